/**
 * The Tasker adapter (Plane REST API v1, named operations only) and the Tasker sandbox, a
 * Plane-compatible server for local trials and tests.
 */
export { TaskerAdapter } from './adapter.js';
export { TOOL_OPERATIONS, runToolOperation, isToolOperation, type ToolOperationName } from './operations.js';
export { resolveAdapterConfig, DEFAULT_ADAPTER_SETTINGS, type TaskerAdapterConfig, type TaskerAdapterOptions, type PathFamily } from './config.js';
export { parseHumanId, formatHumanId, isUuid, type HumanId } from './ids.js';
export { confine, inScope, type ProjectScope } from './project-scope.js';
export type * from './types.js';
export { startTaskerSandbox, SANDBOX_SEED, type TaskerSandbox, type TaskerSandboxOptions, type SandboxApiKeys } from './sandbox/index.js';
