/** Configuration of the Tasker adapter: where Tasker is, which key and workspace, and how patient to be. */
export type PathFamily = 'work-items' | 'issues';

export interface TaskerAdapterConfig {
  /** Origin (and optional prefix) of Tasker; `/api/v1/...` is appended. */
  baseUrl: string;
  apiKey: string;
  /** The one workspace this gateway serves (Plane's v1 cannot list workspaces). */
  workspace: string;
  /** `work-items` (Plane >= 1.1) or the deprecated `issues` family for older servers. */
  pathFamily: PathFamily;
  /** Limit for one HTTP attempt, including reading the body. */
  timeoutMs: number;
  /** Limit for a whole adapter operation, including retries and pagination. */
  deadlineMs: number;
  /** Attempts per HTTP request, the first included. */
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** A Retry-After longer than this is not waited for; the call fails as `throttled`. */
  maxRetryAfterMs: number;
  /** Page size sent to Tasker (Plane's documented maximum is 100). */
  pageSize: number;
  /** Upper bound of items read to filter one list client-side. */
  maxScanItems: number;
  /** How long project identifiers and ids stay cached. */
  projectCacheTtlMs: number;
  /**
   * How long a project's states, labels, members, cycles and modules stay cached for resolving
   * names and reading write answers (a name that matches nothing is looked up again at once).
   */
  referenceCacheTtlMs: number;
  /** How long a work item's human id, UUID and project stay known (see WorkItemLocator). */
  workItemCacheTtlMs: number;
  /** `external_source` on everything the gateway creates. */
  externalSource: string;
  /**
   * After a write's answer was lost, how long the adapter keeps reading Tasker back to see whether
   * it landed before it reports `tasker_outcome_unknown`. A write is sent once, so the agent waits
   * at most one attempt (timeoutMs) plus this, instead of every retry up to the deadline.
   */
  confirmMs: number;
}

export const DEFAULT_ADAPTER_SETTINGS = {
  pathFamily: 'work-items',
  timeoutMs: 10_000,
  deadlineMs: 30_000,
  maxAttempts: 4,
  backoffBaseMs: 200,
  backoffMaxMs: 5_000,
  maxRetryAfterMs: 20_000,
  pageSize: 100,
  maxScanItems: 5_000,
  projectCacheTtlMs: 5 * 60_000,
  referenceCacheTtlMs: 60_000,
  workItemCacheTtlMs: 60_000,
  externalSource: 'nodedc-agent-gateway',
  confirmMs: 3_000,
} as const satisfies Partial<TaskerAdapterConfig>;

export type TaskerAdapterOptions = Pick<TaskerAdapterConfig, 'baseUrl' | 'apiKey' | 'workspace'> & Partial<TaskerAdapterConfig>;

const SLUG = /^[a-z0-9][a-z0-9_-]{0,47}$/i;

/** Applies defaults and rejects settings that would make the adapter unsafe or useless. */
export function resolveAdapterConfig(options: TaskerAdapterOptions): TaskerAdapterConfig {
  const config: TaskerAdapterConfig = { ...DEFAULT_ADAPTER_SETTINGS, ...options };
  const url = new URL(config.baseUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`Tasker base URL must be http(s): ${config.baseUrl}`);
  if (url.search || url.hash) throw new Error('Tasker base URL must not carry a query or fragment');
  config.baseUrl = url.href.replace(/\/+$/, '');
  if (!config.apiKey) throw new Error('Tasker API key is empty');
  if (!SLUG.test(config.workspace)) throw new Error(`Tasker workspace slug is not valid: ${config.workspace}`);
  if (config.pathFamily !== 'work-items' && config.pathFamily !== 'issues') throw new Error(`Unknown Tasker path family: ${String(config.pathFamily)}`);
  if (!(config.pageSize >= 1 && config.pageSize <= 100)) throw new Error('Tasker page size must be 1..100');
  if (!(config.maxAttempts >= 1 && config.maxAttempts <= 10)) throw new Error('Tasker max attempts must be 1..10');
  return config;
}
