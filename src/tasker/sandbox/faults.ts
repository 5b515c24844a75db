/**
 * Fault injection for tests: extra latency, bursts of 429, runs of 5xx and dropped connections,
 * each optionally limited to paths matching a pattern and to methods. Counted faults fire in the
 * order they were added: `throttleNext(2); failNext(1)` answers 429, 429, then 503.
 * Faults act before authentication, as a proxy in front of Plane would.
 */

export interface FaultScope {
  /** A RegExp tested against the path, or a substring the path must contain. */
  path?: string | RegExp;
  /** Upper-case HTTP methods; all when absent. */
  methods?: string[];
}

export type InjectedStatus = 500 | 502 | 503 | 504;

export interface FaultPlan extends FaultScope {
  latencyMs?: number;
  throttle?: { count: number; retryAfterSeconds?: number };
  errors?: { count: number; status?: InjectedStatus };
  drops?: { count: number };
}

export interface FaultStats {
  requests: number;
  /** Requests with a method that changes something (POST, PATCH, PUT, DELETE). */
  writes: number;
  delayed: number;
  throttled: number;
  failed: number;
  dropped: number;
}

export type FaultAction =
  | { kind: 'none' }
  | { kind: 'throttle'; retryAfterSeconds: number }
  | { kind: 'error'; status: InjectedStatus }
  | { kind: 'drop' }
  | LostAnswer;

/**
 * Faults after the request reached Tasker, as a client sees a lost answer: `answer_late` applies the
 * request at once and answers after `delayMs`; `drop_after_apply` applies it and resets the
 * connection; `apply_late` reads it, applies it only after `delayMs` (whether or not the client is
 * still there) and answers then; `hang` reads it and never applies or answers it.
 */
export type LostAnswer =
  | { kind: 'answer_late'; delayMs: number }
  | { kind: 'drop_after_apply' }
  | { kind: 'apply_late'; delayMs: number }
  | { kind: 'hang' };

interface CountedRule {
  scope: FaultScope;
  remaining: number;
  action: Exclude<FaultAction, { kind: 'none' }>;
}

interface LatencyRule {
  scope: FaultScope;
  ms: number;
}

function inScope(scope: FaultScope, method: string, path: string): boolean {
  if (scope.methods && !scope.methods.includes(method)) return false;
  if (scope.path === undefined) return true;
  return typeof scope.path === 'string' ? path.includes(scope.path) : scope.path.test(path);
}

export class FaultController {
  private latency: LatencyRule[] = [];
  private counted: CountedRule[] = [];
  private counters: FaultStats = { requests: 0, writes: 0, delayed: 0, throttled: 0, failed: 0, dropped: 0 };

  /** Adds `ms` of latency to every matching request (0 removes latency for that scope). */
  setLatency(ms: number, scope: FaultScope = {}): void {
    this.latency = this.latency.filter((r) => String(r.scope.path) !== String(scope.path));
    if (ms > 0) this.latency.push({ scope, ms });
  }

  /** The next `count` matching requests get 429 with `Retry-After` (default 1 second). */
  throttleNext(count: number, options: FaultScope & { retryAfterSeconds?: number } = {}): void {
    const { retryAfterSeconds = 1, ...scope } = options;
    this.counted.push({ scope, remaining: count, action: { kind: 'throttle', retryAfterSeconds } });
  }

  /** The next `count` matching requests get a proxy-style 5xx (default 503). */
  failNext(count: number, options: FaultScope & { status?: InjectedStatus } = {}): void {
    const { status = 503, ...scope } = options;
    this.counted.push({ scope, remaining: count, action: { kind: 'error', status } });
  }

  /** The next `count` matching requests have their connection destroyed without an answer. */
  dropNext(count: number, scope: FaultScope = {}): void {
    this.counted.push({ scope, remaining: count, action: { kind: 'drop' } });
  }

  /** The next `count` matching requests are applied at once and answered only after `delayMs`. */
  answerLateNext(count: number, options: FaultScope & { delayMs: number }): void {
    const { delayMs, ...scope } = options;
    this.counted.push({ scope, remaining: count, action: { kind: 'answer_late', delayMs } });
  }

  /** The next `count` matching requests are applied, then their connection is reset without an answer. */
  dropAfterApplyNext(count: number, scope: FaultScope = {}): void {
    this.counted.push({ scope, remaining: count, action: { kind: 'drop_after_apply' } });
  }

  /** The next `count` matching requests are applied (and answered) only `delayMs` after they arrived. */
  applyLateNext(count: number, options: FaultScope & { delayMs: number }): void {
    const { delayMs, ...scope } = options;
    this.counted.push({ scope, remaining: count, action: { kind: 'apply_late', delayMs } });
  }

  /** The next `count` matching requests are read and then neither applied nor answered. */
  hangNext(count: number, scope: FaultScope = {}): void {
    this.counted.push({ scope, remaining: count, action: { kind: 'hang' } });
  }

  /** Replaces every fault with the given plan (the form used by configuration). */
  configure(plan: FaultPlan): void {
    this.reset();
    const scope: FaultScope = { path: plan.path, methods: plan.methods };
    if (plan.latencyMs) this.setLatency(plan.latencyMs, scope);
    if (plan.throttle) this.throttleNext(plan.throttle.count, { ...scope, retryAfterSeconds: plan.throttle.retryAfterSeconds });
    if (plan.errors) this.failNext(plan.errors.count, { ...scope, status: plan.errors.status });
    if (plan.drops) this.dropNext(plan.drops.count, scope);
  }

  /** Removes every fault; the counters stay. */
  reset(): void {
    this.latency = [];
    this.counted = [];
  }

  /** Counts of requests seen and faults injected since start (or `resetStats`). */
  get stats(): FaultStats {
    return { ...this.counters };
  }

  resetStats(): void {
    this.counters = { requests: 0, writes: 0, delayed: 0, throttled: 0, failed: 0, dropped: 0 };
  }

  /** Pending counted faults (for tests that wait until a burst is used up). */
  get pending(): number {
    return this.counted.reduce((sum, r) => sum + r.remaining, 0);
  }

  /** Called once per request: the latency to add and the fault to answer with. */
  decide(method: string, path: string): { delayMs: number; action: FaultAction } {
    this.counters.requests += 1;
    if (method !== 'GET' && method !== 'HEAD') this.counters.writes += 1;
    const delayMs = this.latency.filter((r) => inScope(r.scope, method, path)).reduce((max, r) => Math.max(max, r.ms), 0);
    if (delayMs > 0) this.counters.delayed += 1;
    const rule = this.counted.find((r) => r.remaining > 0 && inScope(r.scope, method, path));
    if (!rule) return { delayMs, action: { kind: 'none' } };
    rule.remaining -= 1;
    this.counted = this.counted.filter((r) => r.remaining > 0);
    if (rule.action.kind === 'throttle') this.counters.throttled += 1;
    if (rule.action.kind === 'error') this.counters.failed += 1;
    if (rule.action.kind === 'drop' || rule.action.kind === 'drop_after_apply' || rule.action.kind === 'hang') this.counters.dropped += 1;
    if (rule.action.kind === 'answer_late' || rule.action.kind === 'apply_late') this.counters.delayed += 1;
    return { delayMs, action: rule.action };
  }
}
