/**
 * The request pipeline, in Plane's order: injected faults (a proxy in front), route resolution
 * (Django's 404 and slash redirect), authentication, permission, throttle, method (405), handler.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { authenticate, checkAccess, hashApiKey } from './auth.js';
import type { FaultAction, FaultController } from './faults.js';
import {
  PAGE_NOT_FOUND_BODY, PlaneHttpError, SERVER_ERROR_BODY, readJsonBody, sendReply, type Reply,
} from './http-io.js';
import type { PageOptions } from './pagination.js';
import { matchRoute, type CompiledRoute, type Method } from './router.js';
import type { SandboxStore } from './store.js';
import { throttled, type Throttle } from './throttle.js';

export interface PipelineDeps {
  routes: CompiledRoute[];
  store: SandboxStore;
  throttle: Throttle;
  faults: FaultController;
  pages: PageOptions;
  /** Resolves once every change so far is durable; a changing request is answered only after it. */
  persist?: () => Promise<void>;
}

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT']);
const CHANGING_METHODS = new Set([...WRITE_METHODS, 'DELETE']);

/**
 * Makes the handler's change durable before its answer. A successful POST/PATCH/PUT/DELETE counts
 * as a change even if its handler forgot `touch()`, so a new route cannot answer before it is saved.
 */
async function persistChange(deps: PipelineDeps, method: string, changesBefore: number, status: number): Promise<void> {
  if (!deps.persist) return;
  const changed = deps.store.changes !== changesBefore;
  if (!changed && !(CHANGING_METHODS.has(method) && status < 400)) return;
  if (!changed) deps.store.touch();
  await deps.persist();
}

const PROXY_PAGES: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
};

function sendHtml(res: ServerResponse, status: number): void {
  const title = `${status} ${PROXY_PAGES[status] ?? 'Error'}`;
  const html = `<html><head><title>${title}</title></head><body><center><h1>${title}</h1></center><hr><center>nginx</center></body></html>`;
  res.writeHead(status, { 'Content-Type': 'text/html', 'Content-Length': String(Buffer.byteLength(html)) });
  res.end(html);
}

/** Answers an injected fault; true when the request is finished. */
function applyFault(action: FaultAction, req: IncomingMessage, res: ServerResponse): boolean {
  switch (action.kind) {
    case 'none':
    case 'answer_late':
    case 'drop_after_apply':
    case 'apply_late':
    case 'hang':
      return false;
    case 'drop':
      req.socket.destroy();
      return true;
    case 'throttle':
      sendReply(res, toReply(throttled(action.retryAfterSeconds)));
      return true;
    case 'error':
      sendHtml(res, action.status);
      return true;
  }
}

function slashRedirect(routes: CompiledRoute[], method: string, url: URL): Reply | undefined {
  if (url.pathname.endsWith('/') || (method !== 'GET' && method !== 'HEAD')) return undefined;
  if (!matchRoute(routes, `${url.pathname}/`)) return undefined;
  return { status: 301, headers: { Location: `${url.pathname}/${url.search}` } };
}

async function handle(deps: PipelineDeps, req: IncomingMessage, url: URL, readBody: () => Promise<unknown> = () => readJsonBody(req)): Promise<Reply> {
  const method = (req.method ?? 'GET').toUpperCase();
  const match = matchRoute(deps.routes, url.pathname);
  if (!match) return slashRedirect(deps.routes, method, url) ?? { status: 404, body: PAGE_NOT_FOUND_BODY };
  const { route, params } = match;
  const header = req.headers['x-api-key'];
  const key = Array.isArray(header) ? header[0] : header;
  const user = authenticate(deps.store, key);
  checkAccess(deps.store, user, route.access, method, { slug: params.slug, projectId: params.projectId });
  const rateHeaders = deps.throttle.admit(hashApiKey(key ?? ''));
  try {
    const handler = route.handlers[(method === 'HEAD' ? 'GET' : method) as Method];
    if (!handler) throw new PlaneHttpError(405, { detail: `Method "${method}" not allowed.` });
    const body = WRITE_METHODS.has(method) ? await readBody() : undefined;
    const changesBefore = deps.store.changes;
    let reply: Reply;
    try {
      reply = handler({ method, params, query: url.searchParams, body, user, store: deps.store, pages: deps.pages });
    } catch (err) {
      // A handler that fails half-way may still have changed something: that is saved too.
      if (deps.store.changes !== changesBefore) await deps.persist?.();
      throw err;
    }
    await persistChange(deps, method, changesBefore, reply.status);
    return { ...reply, headers: { ...(reply.headers ?? {}), ...rateHeaders } };
  } catch (err) {
    if (err instanceof PlaneHttpError) throw new PlaneHttpError(err.status, err.body, { ...err.headers, ...rateHeaders });
    throw err;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function toReply(err: unknown): Reply {
  if (err instanceof PlaneHttpError) return { status: err.status, body: err.body, headers: err.headers };
  return { status: 500, body: SERVER_ERROR_BODY };
}

export function createSandboxServer(deps: PipelineDeps): Server {
  return createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
      const { delayMs, action } = deps.faults.decide((req.method ?? 'GET').toUpperCase(), url.pathname);
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (applyFault(action, req, res)) return;
      if (action.kind === 'hang') return void req.resume();
      // Read in full before any wait, so the request is applied even if the client gives up meanwhile.
      const body = readJsonBody(req);
      body.catch(() => undefined);
      if (action.kind === 'apply_late') await sleep(action.delayMs);
      let reply: Reply;
      try {
        reply = await handle(deps, req, url, () => body);
      } catch (err) {
        reply = toReply(err);
      }
      if (action.kind === 'drop_after_apply') return void req.socket.destroy();
      if (action.kind === 'answer_late') await sleep(action.delayMs);
      if (req.method === 'HEAD') reply = { ...reply, body: undefined };
      sendReply(res, reply);
    })().catch(() => {
      if (!res.headersSent) sendReply(res, { status: 500, body: SERVER_ERROR_BODY });
    });
  });
}
