import { AgentSchema } from './agent.js';
import { AgentTokenSchema } from './agent-token.js';
import { AuditEventSchema } from './audit-event.js';
import { GrantSchema } from './grant.js';
import { PairingCodeSchema } from './pairing-code.js';
import { PairingFlowSchema } from './pairing-flow.js';
import { RateLimitCounterSchema } from './rate-limit-counter.js';

export { AgentSchema, type Agent, type AgentStatus } from './agent.js';
export { AgentTokenSchema, type AgentToken } from './agent-token.js';
export { GrantSchema, type Grant, type GrantProjects } from './grant.js';
export { PairingCodeSchema, type PairingCode } from './pairing-code.js';
export { PairingFlowSchema, type PairingFlow, type PairingFlowStatus } from './pairing-flow.js';
export { AuditEventSchema, type AuditEvent } from './audit-event.js';
export { RateLimitCounterSchema, type RateLimitCounter } from './rate-limit-counter.js';

/** Every entity of the foundation; later stages append theirs through `createOrm({ entities })`. */
export const FOUNDATION_ENTITIES = [
  AgentSchema,
  AgentTokenSchema,
  GrantSchema,
  PairingCodeSchema,
  PairingFlowSchema,
  AuditEventSchema,
  RateLimitCounterSchema,
];
