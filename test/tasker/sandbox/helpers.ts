/** Real-HTTP helpers for the sandbox tests. */
import { SANDBOX_SEED, startTaskerSandbox, type TaskerSandbox, type TaskerSandboxOptions } from '../../../src/tasker/sandbox/index.js';

export { SANDBOX_SEED };
export const SLUG = SANDBOX_SEED.workspace.slug;
export const OPS = SANDBOX_SEED.projects.ops.id;
export const PUB = SANDBOX_SEED.projects.pub.id;
export const ADMIN_ID = SANDBOX_SEED.users.admin.id;
export const MEMBER_ID = SANDBOX_SEED.users.member.id;
export const GUEST_ID = SANDBOX_SEED.users.guest.id;

export interface ApiResponse {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Headers;
}

export function startForTest(options: TaskerSandboxOptions = {}): Promise<TaskerSandbox> {
  return startTaskerSandbox({ rateLimit: '100000/minute', ...options });
}

export interface CallOptions {
  key?: string | null;
  body?: unknown;
  rawBody?: string;
}

/** One request to `/api/v1{path}`; `key` defaults to the admin key, `null` sends none. */
export async function api(sandbox: TaskerSandbox, method: string, path: string, options: CallOptions = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  const key = options.key === undefined ? sandbox.apiKeys.admin : options.key;
  if (key !== null) headers['X-API-Key'] = key;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${sandbox.url}/api/v1${path}`, { method, headers, body, redirect: 'manual' });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

export const projectPath = (projectId: string, rest = '') => `/workspaces/${SLUG}/projects/${projectId}/${rest}`;
export const itemsPath = (projectId: string, rest = '', family = 'work-items') => `/workspaces/${SLUG}/projects/${projectId}/${family}/${rest}`;

export async function createItem(sandbox: TaskerSandbox, projectId: string, body: Record<string, unknown>, key?: string): Promise<ApiResponse> {
  return api(sandbox, 'POST', itemsPath(projectId), { body, key });
}
