import type { AuditLog } from '../audit/index.js';
import { GatewayError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { asDate, runPrepared, type Agent, type Orm, type PreparedStatement } from '../store/index.js';
import { AuthCache } from './auth-cache.js';
import { FailureBurstTracker } from './failure-bursts.js';
import { LIVE_GRANT_CONDITION, toLiveGrant, type LiveGrant, type LiveGrantRow } from './grants.js';
import type { LastUsedRecorder } from './last-used.js';
import { hashesEqual, sha256, tokenPrefix } from './secrets.js';

/** The caller of an agent-facing request, once its bearer token checked out. */
export interface AuthenticatedAgent {
  agent: Agent;
  token: { id: string; prefix: string; expiresAt: Date | null };
  /** The agent's live grants when its token was checked, read in the same query: a tool call decides on these. */
  grants: LiveGrant[];
}

interface TokenRow {
  token_id: string;
  prefix: string;
  secret_hash: string;
  expires_at: Date | string | null;
  revoked_at: Date | string | null;
  agent_id: string;
  owner_user_id: string;
  owner_email: string;
  display_name: string;
  status: Agent['status'];
  created_at: Date | string;
  updated_at: Date | string;
  agent_revoked_at: Date | string | null;
  grants: LiveGrantRow[];
}

/**
 * The token, its agent and the agent's live grants in one round trip: every tool call needs all
 * three, and this query runs on every agent request.
 */
const TOKEN_BY_PREFIX: PreparedStatement = {
  name: 'identity_token_by_prefix',
  text: `select t.id as token_id, t.prefix, t.secret_hash, t.expires_at, t.revoked_at,
                a.id as agent_id, a.owner_user_id, a.owner_email, a.display_name, a.status, a.created_at, a.updated_at, a.revoked_at as agent_revoked_at,
                coalesce((select json_agg(json_build_object('id', g.id, 'workspace', g.workspace, 'projects', g.projects, 'tools', g.tools,
                                                            'constraints', g.constraints, 'expires_at', g.expires_at) order by g.created_at, g.id)
                            from grants g where g.agent_id = a.id and ${LIVE_GRANT_CONDITION}), '[]') as grants
           from agent_tokens t join agents a on a.id = t.agent_id where t.prefix = $1`,
};

/** A token row as authentication uses it, kept in the cache: the answer is built once per entry, not per request. */
interface KnownToken {
  secretHash: string;
  /** ms since the epoch; null: never expires. */
  expiresAt: number | null;
  /** Whether the token and its agent were usable when read (not revoked, agent active). */
  usable: boolean;
  auth: AuthenticatedAgent;
}

function knownToken(row: TokenRow): KnownToken {
  const expiresAt = asDate(row.expires_at);
  const grants = row.grants.map((g) => Object.freeze(toLiveGrant(g)));
  const auth: AuthenticatedAgent = {
    agent: Object.freeze({
      id: row.agent_id,
      ownerUserId: row.owner_user_id,
      ownerEmail: row.owner_email,
      displayName: row.display_name,
      status: row.status,
      createdAt: asDate(row.created_at),
      updatedAt: asDate(row.updated_at),
      revokedAt: asDate(row.agent_revoked_at),
    }),
    token: Object.freeze({ id: row.token_id, prefix: row.prefix, expiresAt }),
    grants: Object.freeze(grants) as LiveGrant[],
  };
  return {
    secretHash: row.secret_hash,
    expiresAt: expiresAt?.getTime() ?? null,
    usable: !row.revoked_at && row.status === 'active' && !row.agent_revoked_at,
    auth: Object.freeze(auth),
  };
}

/** When a cached answer must be read again at the latest: the token's or a grant's expiry, whichever is first. */
function refreshBy(known: KnownToken): number | null {
  let at = known.expiresAt;
  for (const g of known.auth.grants) {
    if (g.expires_at === null) continue;
    const t = Date.parse(g.expires_at);
    at = at === null ? t : Math.min(at, t);
  }
  return at;
}

/** Compared against when no row matches, so unknown prefixes cost the same as wrong secrets. */
const DUMMY_HASH = sha256('agw_dummy');

/** One message for every failure: the caller must not learn whether a token exists, expired or was revoked. */
export function unauthenticated(): GatewayError {
  return new GatewayError('unauthenticated', 'A valid agent token is required.');
}

export class Authenticator {
  private readonly bursts: FailureBurstTracker;
  /** Token prefix -> what the database said about that token; see auth-cache.ts for when it is trusted. */
  readonly cache = new AuthCache<KnownToken>();

  constructor(
    private readonly orm: Orm,
    private readonly audit: AuditLog,
    readonly lastUsed: LastUsedRecorder,
    private readonly logger: Logger,
    burstThreshold: number,
  ) {
    this.bursts = new FailureBurstTracker(burstThreshold);
  }

  /** Resolves an `Authorization` header value to an active agent, or throws a uniform 401. */
  async authenticate(authorization: string | undefined, address: string, requestId?: string): Promise<AuthenticatedAgent> {
    const presented = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    const known = presented ? await this.lookup(presented) : undefined;
    const matches = hashesEqual(sha256(presented ?? ''), known?.secretHash ?? DUMMY_HASH) && known !== undefined;
    const live = matches && known.usable && (known.expiresAt === null || known.expiresAt > Date.now());
    if (!live || !known) {
      this.noteFailure(address, requestId);
      throw unauthenticated();
    }
    this.lastUsed.record(known.auth.token.id, address);
    return known.auth;
  }

  /** The token of this prefix, from the cache when it can be trusted, else from the database. */
  private async lookup(presented: string): Promise<KnownToken | undefined> {
    const prefix = tokenPrefix(presented);
    if (!prefix) return undefined;
    const cached = this.cache.get(prefix);
    if (cached) return cached;
    const ticket = this.cache.ticket();
    const [row] = await runPrepared<TokenRow>(this.orm.em, TOKEN_BY_PREFIX, [prefix, new Date()]);
    if (!row) return undefined;
    const known = knownToken(row);
    this.cache.put(prefix, row.agent_id, known, ticket, refreshBy(known));
    return known;
  }

  private noteFailure(address: string, requestId?: string): void {
    const burst = this.bursts.recordFailure(address);
    if (burst === undefined) return;
    this.audit
      .append(this.orm.em.fork(), {
        kind: 'auth.failure_burst',
        actor: { type: 'anonymous', id: address },
        requestId: requestId ?? null,
        outcome: 'failure',
        detail: { address, failures_in_window: burst, window_seconds: 60 },
      })
      .catch((err: unknown) => this.logger.error('could not audit an authentication failure burst', { error: err instanceof Error ? err.message : String(err) }));
  }
}
