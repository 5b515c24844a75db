import { ApprovalFeed } from '../approvals/index.js';
import { publicOrigin } from '../config/index.js';
import type { DecisionStage } from '../decision/index.js';
import type { GatewayExtension } from '../gateway/extension.js';
import type { OAuthServer } from '../oauth/index.js';
import { AccountService } from './accounts.js';
import type { ConsoleDeps } from './deps.js';
import { OidcSignIn } from './oidc.js';
import { consoleRouter } from './router.js';
import type { StreamSet } from './routes/approvals.js';
import { SessionService } from './sessions.js';
import { announceSetup } from './setup-link.js';
import { SignInLimits } from './sign-in-limits.js';
import { ApprovalWebhook } from './webhook.js';

export interface ConsoleExtensionOptions {
  /** The decision stage; set up before the console. */
  decision(): DecisionStage;
  policyRevision(): string | null;
  /** The OAuth authorization server, when mounted (its consent page lives in the console). */
  oauth?(): OAuthServer | undefined;
  /** How often the webhook queue is checked besides notifications (default 5 s). */
  webhookPollMs?: number;
}

/**
 * The owner console under /console/ as a gateway extension: sign-in (local accounts, OpenID
 * Connect), agents, tokens, grants, pairing approval, the approvals inbox with live updates,
 * audit, Explain, and the approval webhook. It calls the same services as the internal API.
 */
export function consoleExtension(options: ConsoleExtensionOptions): GatewayExtension {
  return {
    name: 'console',
    async setup(gateway) {
      const { config, logger, orm, audit } = gateway;
      const origin = () => publicOrigin(config);
      const feed = new ApprovalFeed(config.databaseUrl!, logger);
      await feed.start();
      const accounts = new AccountService(orm, audit);
      const deps: ConsoleDeps = {
        gateway,
        accounts,
        sessions: new SessionService(orm, config.consoleSessionTtlSeconds),
        limits: new SignInLimits(orm, audit, { maxPerAccount: config.consoleSignInMaxPerAccount, maxPerAddress: config.consoleSignInMaxPerAddress, windowSeconds: config.consoleSignInWindowSeconds }),
        oidc: config.oidc ? new OidcSignIn(config.oidc, logger) : undefined,
        feed,
        decision: options.decision,
        policyRevision: options.policyRevision,
        oauth: () => options.oauth?.(),
        origin,
      };
      const webhook = config.approvalWebhookUrl ? new ApprovalWebhook(orm, logger, { url: config.approvalWebhookUrl, origin }) : undefined;
      if (webhook) {
        feed.on('change', (change) => change.status === 'pending' && webhook.kick());
        webhook.start(options.webhookPollMs);
      }
      const sweeper = setInterval(() => void deps.sessions.sweep().catch(() => undefined), 10 * 60_000);
      sweeper.unref();
      await announceSetup(accounts, config.dataDir, origin(), logger);
      const streams: StreamSet = new Set();
      return {
        pageRouters: [
          { path: '/console', router: consoleRouter(deps, streams) },
          { path: '/', router: (req, res, next) => (req.method === 'GET' && req.path === '/' ? res.redirect(303, '/console/') : next()) },
        ],
        capabilities: { console: { path: '/console/', sign_in: [...(config.oidc ? ['oidc'] : []), 'local'], approval_webhook: !!webhook } },
        close: async () => {
          clearInterval(sweeper);
          for (const stream of streams) stream.end();
          await webhook?.stop();
          await feed.stop();
        },
      };
    },
  };
}
