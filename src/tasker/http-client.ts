import { Agent, request } from 'undici';
import { GatewayError } from '../errors/index.js';
import type { TaskerAdapterConfig } from './config.js';
import type { PlanePath } from './endpoints.js';
import { backoffDelay, parseRetryAfter, RETRYABLE_STATUSES, sleep } from './retry.js';
import { classifyUpstreamError, type FieldPointerMap } from './upstream-errors.js';

export type PlaneMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';
export type QueryValue = string | number | boolean | undefined;

export interface PlaneRequest {
  method: PlaneMethod;
  path: PlanePath;
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** Epoch milliseconds by which the whole operation must be done. */
  deadline: number;
  /** Where Plane's validation fields point in the tool arguments. */
  fieldPointers?: FieldPointerMap;
  /**
   * A write that must not be sent again once it may have reached Tasker: after a failure that
   * leaves Tasker possibly still working on it (see mayStillLand) the client throws
   * `tasker_outcome_unknown` instead of retrying, and the caller looks the write up.
   */
  sendOnce?: boolean;
}

export interface PlaneResponse<T> {
  status: number;
  body: T;
  /** How many HTTP attempts this answer took (1 when the first one succeeded). */
  attempts: number;
}

/** Plane's pagination envelope (TASKER_API.md section 5), the fields the adapter reads. */
interface Envelope<T> {
  results: T[];
  next_cursor: string | null;
  next_page_results: boolean;
}

/** Why one attempt did not produce a final answer. */
type RetryableFailure =
  | { kind: 'status'; status: number; retryAfterMs: number | null; body: unknown }
  | { kind: 'timeout' }
  | { kind: 'connection'; detail: string };

export interface ListAllResult<T> {
  items: T[];
  /** False when maxItems stopped the scan before the last page. */
  complete: boolean;
}

/**
 * Speaks HTTP to Tasker: builds URLs under `/api/v1`, sends the API key, and owns retries,
 * per-attempt timeouts and the operation deadline. It takes only PlanePath values from
 * Endpoints, so no caller-supplied path or URL can reach it. Redirects are never followed.
 * It speaks through undici's request API over its own keep-alive pool rather than fetch: every
 * tool call makes at least one Tasker request, and fetch's WHATWG streams and request objects cost
 * the gateway several times more CPU per call.
 */
export class TaskerHttpClient {
  private readonly dispatcher = new Agent({ keepAliveTimeout: KEEP_ALIVE_MS });

  constructor(private readonly config: TaskerAdapterConfig) {}

  /** Closes the pooled connections; requests after this fail as connection failures. */
  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  /** The deadline of an operation that starts now. */
  deadline(): number {
    return Date.now() + this.config.deadlineMs;
  }

  async request<T>(req: PlaneRequest): Promise<PlaneResponse<T>> {
    let failure: RetryableFailure | null = null;
    for (let attempt = 1; ; attempt += 1) {
      const remaining = req.deadline - Date.now();
      if (remaining <= 0) throw finalFailure(failure ?? { kind: 'timeout' }, attempt - 1);
      const outcome = await this.attempt<T>(req, Math.min(this.config.timeoutMs, remaining), attempt);
      if (!('failure' in outcome)) return outcome;
      failure = outcome.failure;
      if (req.sendOnce && mayStillLand(failure)) throw answerLost(failure, attempt);
      const wait = this.waitBeforeRetry(failure, attempt);
      if (attempt >= this.config.maxAttempts || wait === null || Date.now() + wait >= req.deadline) {
        throw finalFailure(failure, attempt);
      }
      await sleep(wait);
    }
  }

  /** Every item of a paginated list, following next_cursor while next_page_results is true. */
  async listAll<T>(path: PlanePath, query: Record<string, QueryValue>, deadline: number, maxItems: number): Promise<ListAllResult<T>> {
    const items: T[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await this.request<Envelope<T>>({ method: 'GET', path, query: { ...query, per_page: this.config.pageSize, cursor }, deadline });
      const body = page.body;
      if (!body || !Array.isArray(body.results)) throw unexpectedShape(path);
      items.push(...body.results);
      if (!body.next_page_results || typeof body.next_cursor !== 'string') return { items, complete: true };
      if (items.length >= maxItems) return { items: items.slice(0, maxItems), complete: false };
      cursor = body.next_cursor;
    }
  }

  private waitBeforeRetry(failure: RetryableFailure, attempt: number): number | null {
    const backoff = backoffDelay(attempt, this.config.backoffBaseMs, this.config.backoffMaxMs);
    if (failure.kind !== 'status' || failure.retryAfterMs === null) return backoff;
    return failure.retryAfterMs > this.config.maxRetryAfterMs ? null : Math.max(failure.retryAfterMs, 1);
  }

  private async attempt<T>(req: PlaneRequest, timeoutMs: number, attempt: number): Promise<PlaneResponse<T> | { failure: RetryableFailure }> {
    let status: number;
    let retryAfter: string | undefined;
    let text: string;
    // The attempt's deadline, cleared once the answer is read: AbortSignal.timeout's timer would
    // still fire for every finished request, building an error and an abort event each time.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    try {
      const response = await request(this.url(req), {
        method: req.method,
        headers: this.headers(req),
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        dispatcher: this.dispatcher,
        signal: deadline.signal,
      });
      status = response.statusCode;
      retryAfter = headerValue(response.headers['retry-after']);
      text = await response.body.text();
    } catch (err) {
      return { failure: describeRequestError(err) };
    } finally {
      clearTimeout(timer);
    }
    const body = parseBody(text);
    if (RETRYABLE_STATUSES.has(status)) {
      return { failure: { kind: 'status', status, retryAfterMs: parseRetryAfter(retryAfter ?? null), body } };
    }
    if (status < 200 || status > 299) {
      const error = classifyUpstreamError(status, body === undefined ? null : body, req.fieldPointers);
      throw withAttempts(error, attempt);
    }
    if (body === undefined && text.length > 0) throw withAttempts(unexpectedShape(req.path), attempt);
    return { status, body: (body ?? null) as T, attempts: attempt };
  }

  private url(req: PlaneRequest): string {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) search.set(key, String(value));
    }
    const query = search.size > 0 ? `?${search.toString()}` : '';
    return `${this.config.baseUrl}/api/v1${req.path}${query}`;
  }

  private headers(req: PlaneRequest): Record<string, string> {
    const headers: Record<string, string> = { 'X-API-Key': this.config.apiKey, Accept: 'application/json' };
    if (req.body !== undefined) headers['Content-Type'] = 'application/json';
    return headers;
  }
}

/** JSON, null for an empty body, undefined when the body is not JSON (e.g. a proxy's HTML page). */
function parseBody(text: string): unknown {
  if (text.length === 0) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** How long an idle connection to Tasker is kept for the next request. */
const KEEP_ALIVE_MS = 10_000;

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function describeRequestError(err: unknown): RetryableFailure {
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } } | null;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return { kind: 'timeout' };
  return { kind: 'connection', detail: e?.code ?? e?.cause?.code ?? e?.message ?? String(err) };
}

/** Failures of the connect phase: the request never left the gateway, so sending it again is safe. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * True when Tasker may still apply the request after this failure: our attempt timed out, the
 * connection broke after the request went out, or a proxy gave up waiting (504). A received 429,
 * 502 or 503 means whoever answered is done with the request, so a retry cannot race it (and a
 * create's external id makes the retry meet the first one if it did land).
 */
function mayStillLand(failure: RetryableFailure): boolean {
  if (failure.kind === 'timeout') return true;
  if (failure.kind === 'connection') return !NEVER_SENT.has(failure.detail);
  return failure.status === 504;
}

function answerLost(failure: RetryableFailure, attempts: number): GatewayError {
  const why = failure.kind === 'timeout' ? 'did not answer in time' : failure.kind === 'connection' ? 'dropped the connection' : `answered ${failure.kind === 'status' ? failure.status : ''}`;
  return new GatewayError('tasker_outcome_unknown', `Tasker ${why} after the write was sent; whether it happened is not known yet.`, {
    context: { attempts, reason: failure.kind, ...(failure.kind === 'status' ? { upstream_status: failure.status } : {}) },
  });
}

function finalFailure(failure: RetryableFailure, attempts: number): GatewayError {
  if (failure.kind === 'status' && failure.status === 429) {
    const retryAfterSeconds = failure.retryAfterMs === null ? undefined : Math.ceil(failure.retryAfterMs / 1000);
    return new GatewayError('throttled', 'Tasker is rate limiting the gateway; try again later.', {
      context: { attempts, upstream_status: 429, ...(retryAfterSeconds === undefined ? {} : { retry_after_seconds: retryAfterSeconds }) },
    });
  }
  const why = failure.kind === 'status' ? `answered ${failure.status}` : failure.kind === 'timeout' ? 'did not answer in time' : 'could not be reached';
  return new GatewayError('tasker_unavailable', `Tasker ${why} (${attempts} attempt${attempts === 1 ? '' : 's'}).`, {
    context: { attempts, reason: failure.kind, ...(failure.kind === 'status' ? { upstream_status: failure.status } : {}) },
  });
}

function withAttempts(error: GatewayError, attempts: number): GatewayError {
  return new GatewayError(error.code, error.message, {
    ...(error.fields ? { fields: error.fields } : {}),
    context: { ...(error.context ?? {}), attempts },
  });
}

function unexpectedShape(path: PlanePath): GatewayError {
  return new GatewayError('tasker_unavailable', `Tasker answered ${path} in an unexpected shape.`, { context: { reason: 'shape' } });
}
