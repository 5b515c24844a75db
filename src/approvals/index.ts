/** Approvals: actions parked for the owner's approval, the `/internal/v1/approvals` router, expiry. */
export {
  ApprovalService,
  DEFAULT_APPROVAL_TTL_MS,
  DEFAULT_EXPIRY_SWEEP_MS,
  type ApprovalServiceDeps,
  type ApprovedActionOutcome,
  type ApprovedActionRunner,
  type ParkInput,
  type ParkResult,
  type RunCheck,
  type RunReconciliation,
} from './service.js';
export { PendingActionSchema, APPROVAL_ENTITIES, type PendingAction, type PendingActionStatus, type ActionReason, type ActionResource } from './pending-action.js';
export { approvalsRouter } from './router.js';
export { actionView, actionStatusView, type ActionView, type ActionStatusView } from './views.js';
export type { ActionFilter } from './store.js';
export { ApprovalFeed, type ActionChange } from './feed.js';
