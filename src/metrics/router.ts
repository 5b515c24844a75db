import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { GatewayMetrics } from './metrics.js';

/** `GET /metrics` in the Prometheus text format. Mount it at the root (it names its own path). */
export function metricsRouter(metrics: GatewayMetrics): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', metrics.contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.send(await metrics.text());
  });
  return router;
}

/**
 * Times every request of a front door (`door` is e.g. `mcp` or `rest`); the front doors put it
 * first on their routers so the histogram covers authentication and body handling too.
 */
export function httpMetricsMiddleware(metrics: GatewayMetrics, door: string): RequestHandler {
  return (_req: Request, res: Response, next: NextFunction): void => {
    const stop = metrics.httpDuration.startTimer({ door });
    res.on('finish', () => stop({ status_class: `${Math.floor(res.statusCode / 100)}xx` }));
    next();
  };
}
