/** Mediator: carries out approved actions through the Tasker adapter, with idempotency keys for writes. */
export { Mediator, DEFAULT_IDEMPOTENCY_TTL_MS, DEFAULT_IN_PROGRESS_WAIT_MS, DEFAULT_PURGE_INTERVAL_MS, type MediatorDeps } from './mediator.js';
export type { ActingAgent, ApprovedAction, MediatorOptions, MediatorResult, MediatorRun } from './types.js';
export type { TaskerReference } from './tasker-reference.js';
export { IdempotencyRecordSchema, type IdempotencyRecord, type IdempotencyStatus } from './idempotency-record.js';
export { MEDIATOR_ENTITIES } from './entities.js';
export { requestHash } from './request-hash.js';
export { WriteReconciler, type ReconcilerOptions, type WriteCheck, type WriteToCheck } from './reconciler.js';
export { InstanceLock, goneHolders } from './instance-lock.js';
export { withoutIdempotencyKey } from './request-hash.js';
