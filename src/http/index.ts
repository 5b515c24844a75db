/** HTTP: the express app shell, the internal lifecycle API, public pairing and `/api/v1/me`. */
export { createHttpApp, agentAuthMiddleware, type HttpAppOptions, type MountedRouter } from './app.js';
export type { HttpDeps } from './deps.js';
export type { ReadinessCheck } from './routes/ops.js';
export { RequestValidator, requireUuid, fieldErrors, SCHEMA_BASE } from './validation.js';
export { authOf } from './agent-auth.js';
export { sendError } from './error-handling.js';
export { noStore } from './no-store.js';
export { clientAddress, requestIdOf } from './request-context.js';
export { actingContext } from './internal-auth.js';
