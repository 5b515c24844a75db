/** Metrics: the gateway's prom-client registry and the `/metrics` router. */
export { GatewayMetrics, type GatewayMetricsOptions, type DecisionResult } from './metrics.js';
export { metricsRouter, httpMetricsMiddleware } from './router.js';
