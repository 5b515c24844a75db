/** The gateway policy's contract: decision input/output types, its data (catalogue, grant index), typed evaluation. */
export * from './types.js';
export { buildGrantIndex, type AgentGrant, type GrantIndex } from './grant-index.js';
export { gatewayPolicyData, type GatewayPolicyData } from './data.js';
export { decide, visibleTools } from './evaluate.js';
