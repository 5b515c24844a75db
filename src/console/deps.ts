import type { DecisionStage } from '../decision/index.js';
import type { GatewayDeps } from '../gateway/extension.js';
import type { OAuthServer } from '../oauth/index.js';
import type { ApprovalFeed } from '../approvals/index.js';
import type { AccountService } from './accounts.js';
import type { OidcSignIn } from './oidc.js';
import type { SessionService } from './sessions.js';
import type { SignInLimits } from './sign-in-limits.js';

/** What the console's routers share: the gateway's services plus the console's own. */
export interface ConsoleDeps {
  gateway: GatewayDeps;
  accounts: AccountService;
  sessions: SessionService;
  limits: SignInLimits;
  oidc: OidcSignIn | undefined;
  feed: ApprovalFeed;
  /** The decision stage (approvals, the pipeline for Explain, the tool contracts). */
  decision(): DecisionStage;
  /** The policy revision being served, for admins. */
  policyRevision(): string | null;
  /** The gateway's origin as browsers reach it (PUBLIC_URL or http://HOST:PORT). */
  origin(): string;
  /** The OAuth authorization server, when mounted: the consent page finishes its interactions. */
  oauth(): OAuthServer | undefined;
}
