/** Identity: agents, their opaque tokens, their grants, and bearer authentication. */
import type { AuditLog } from '../audit/index.js';
import type { Logger } from '../log/index.js';
import { NotificationListener, type Orm } from '../store/index.js';
import { AgentService } from './agents.js';
import { IDENTITY_CHANNEL } from './auth-cache.js';
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
export { AuthCache, IDENTITY_CHANNEL, type AuthCacheOptions, type ListenerHealth } from './auth-cache.js';
export { agentChangeEvent, type ActingContext } from './context.js';
export { agentView, tokenView, grantView, type AgentView, type TokenView, type GrantView } from './views.js';

export interface Identity {
  agents: AgentService;
  tokens: TokenService;
  grants: GrantService;
  authenticator: Authenticator;
  lastUsed: LastUsedRecorder;
  /** The authentication cache's change feed (LISTEN agw_identity): started with the gateway, stopped at close. */
  changeFeed: { start(): void; stop(): Promise<void> };
}

export function createIdentity(deps: { orm: Orm; audit: AuditLog; logger: Logger; authFailureBurstThreshold: number }): Identity {
  const authenticator = new Authenticator(deps.orm, deps.audit, new LastUsedRecorder(deps.orm, deps.logger), deps.logger, deps.authFailureBurstThreshold);
  const cache = authenticator.cache;
  // This process's own changes drop their entries once committed, before the notification even arrives.
  const changed = (agentId: string) => cache.invalidate(agentId);
  const listener = new NotificationListener(
    { connectionString: String(deps.orm.config.get('clientUrl')), channel: IDENTITY_CHANNEL },
    {
      onUp: () => cache.clear(),
      onDown: (reason) => {
        cache.clear();
        deps.logger.warn('identity change feed lost: authentication reads the database until it is back', { reason });
      },
      onMessage: (payload) => cache.invalidate(payload),
    },
  );
  cache.attach(listener);
  const agents = new AgentService(deps.audit, changed);
  return {
    agents,
    tokens: new TokenService(agents, deps.audit, changed),
    grants: new GrantService(agents, deps.audit, changed),
    authenticator,
    lastUsed: authenticator.lastUsed,
    changeFeed: { start: () => listener.start(), stop: () => listener.stop() },
  };
}
export { sha256, hashesEqual, randomString, newAgentToken, newFlowSecret, tokenPrefix } from './secrets.js';
export { SecretHasher, type SecretPurpose } from './keyed-hash.js';
export { dataDirSecretKey, type DataDirSecretKey } from './server-key.js';
