import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type DecisionResult = 'allow' | 'deny' | 'approval_required';

export interface GatewayMetricsOptions {
  /** Also export the process metrics of prom-client (CPU, memory, event loop); default true. */
  processMetrics?: boolean;
  /** Prefix of every metric name; default `agent_gateway_`. */
  prefix?: string;
}

/** Seconds buckets from 0.5 ms to 10 s: gateway overhead is sub-millisecond, Tasker calls are not. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The gateway's Prometheus metrics, in a registry of their own (not prom-client's global one), so
 * several gateways in one process (tests) never collide. Tool names are a closed catalogue; callers
 * label unknown tools `unknown` so a client cannot grow the label space.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly toolRequests: Counter<'transport' | 'tool' | 'status'>;
  readonly decisions: Counter<'result' | 'tool'>;
  readonly taskerCalls: Counter<'tool' | 'outcome'>;
  readonly approvals: Counter<'event'>;
  readonly requestDuration: Histogram<'transport' | 'status'>;
  readonly policyDuration: Histogram<'entrypoint'>;
  readonly taskerDuration: Histogram<'tool' | 'outcome'>;
  readonly httpDuration: Histogram<'door' | 'status_class'>;
  readonly auditOutboxBacklog: Gauge;
  readonly auditOutboxEvents: Counter<'event'>;

  constructor(options: GatewayMetricsOptions = {}) {
    const prefix = options.prefix ?? 'agent_gateway_';
    const registers = [this.registry];
    this.toolRequests = new Counter({ name: `${prefix}tool_requests_total`, help: 'Tool calls through the pipeline, by front door, tool and final status (ok, approval_pending or an error code).', labelNames: ['transport', 'tool', 'status'], registers });
    this.decisions = new Counter({ name: `${prefix}decisions_total`, help: 'Recorded decisions by result (allow, deny, approval_required) and tool.', labelNames: ['result', 'tool'], registers });
    this.taskerCalls = new Counter({ name: `${prefix}tasker_calls_total`, help: 'Actions handed to the mediator (Tasker), by tool and outcome (ok, replayed or an error code).', labelNames: ['tool', 'outcome'], registers });
    this.approvals = new Counter({ name: `${prefix}approval_events_total`, help: 'Pending-action lifecycle events: requested, approved, denied, expired, succeeded, failed.', labelNames: ['event'], registers });
    this.requestDuration = new Histogram({ name: `${prefix}tool_request_duration_seconds`, help: 'Time from a tool call entering the pipeline to its answer.', labelNames: ['transport', 'status'], buckets: LATENCY_BUCKETS, registers });
    this.policyDuration = new Histogram({ name: `${prefix}policy_evaluation_duration_seconds`, help: 'Time spent evaluating a policy entrypoint.', labelNames: ['entrypoint'], buckets: LATENCY_BUCKETS, registers });
    this.taskerDuration = new Histogram({ name: `${prefix}tasker_call_duration_seconds`, help: 'Time the mediator spent on an action, Tasker round trips included.', labelNames: ['tool', 'outcome'], buckets: LATENCY_BUCKETS, registers });
    this.httpDuration = new Histogram({ name: `${prefix}http_request_duration_seconds`, help: 'HTTP requests of the agent front doors, by door and status class.', labelNames: ['door', 'status_class'], buckets: LATENCY_BUCKETS, registers });
    this.auditOutboxBacklog = new Gauge({ name: `${prefix}audit_outbox_backlog`, help: 'Outcome events the audit chain has not taken yet, kept in the audit outbox (or in memory) until it does; as this instance last counted them. Above 0 means executed calls whose outcome is not in the chain yet.', registers });
    this.auditOutboxEvents = new Counter({ name: `${prefix}audit_outbox_events_total`, help: 'Outcome events kept because the audit chain did not take them at once (kept: in the outbox; held: in memory, the outbox failed too) and kept events later appended to the chain (relayed).', labelNames: ['event'], registers });
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix });
  }

  /** The exposition text of every metric (Prometheus text format 0.0.4). */
  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
