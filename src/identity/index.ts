/** Identity: agents, their opaque tokens, their grants, and bearer authentication. */
import type { AuditLog } from '../audit/index.js';
import type { Logger } from '../log/index.js';
import type { Orm } from '../store/index.js';
import { AgentService } from './agents.js';
import { Authenticator } from './authenticate.js';
import { GrantService } from './grants.js';
import { LastUsedRecorder } from './last-used.js';
import { TokenService } from './tokens.js';

export { AgentService, type NewAgent, type AgentListFilter, type AgentTransition } from './agents.js';
export { TokenService, type IssueTokenInput, type IssuedToken } from './tokens.js';
export { GrantService, type NewGrant, type LiveGrant } from './grants.js';
export { checkGrantNames, type GrantCatalogue, type CatalogueProject, type GrantNames, type ToolKind } from './grant-catalogue.js';
export { Authenticator, unauthenticated, type AuthenticatedAgent } from './authenticate.js';
export { LastUsedRecorder } from './last-used.js';
export { agentChangeEvent, type ActingContext } from './context.js';
export { agentView, tokenView, grantView, type AgentView, type TokenView, type GrantView } from './views.js';

export interface Identity {
  agents: AgentService;
  tokens: TokenService;
  grants: GrantService;
  authenticator: Authenticator;
  lastUsed: LastUsedRecorder;
}

export function createIdentity(deps: { orm: Orm; audit: AuditLog; logger: Logger; authFailureBurstThreshold: number }): Identity {
  const agents = new AgentService(deps.audit);
  const lastUsed = new LastUsedRecorder(deps.orm, deps.logger);
  return {
    agents,
    tokens: new TokenService(agents, deps.audit),
    grants: new GrantService(agents, deps.audit),
    authenticator: new Authenticator(deps.orm, deps.audit, lastUsed, deps.logger, deps.authFailureBurstThreshold),
    lastUsed,
  };
}
export { sha256, hashesEqual, randomString, newAgentToken, newFlowSecret, tokenPrefix } from './secrets.js';
export { SecretHasher, type SecretPurpose } from './keyed-hash.js';
export { dataDirSecretKey, type DataDirSecretKey } from './server-key.js';
