import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/index.js';
import type { GatewayConfig } from '../config/index.js';
import { GatewayError } from '../errors/index.js';
import { agentChangeEvent, type ActingContext, type AgentService, type IssuedToken, type SecretHasher, type TokenService } from '../identity/index.js';

import { PairingCodeSchema, sql, type EntityManager, type Orm, type PairingCode } from '../store/index.js';
import type { PairingGuard } from './guard.js';
import { newCode, normaliseCode } from './user-codes.js';

export interface CreatedPairingCode {
  id: string;
  agent_id: string;
  /** Shown once to the owner, who hands it to the local agent. */
  code: string;
  expires_at: string;
}

export interface ExchangeResult extends IssuedToken {
  agent: { id: string; display_name: string; owner_user_id: string };
}

const WRONG_CODE = () => new GatewayError('invalid_pairing_code', 'The pairing code is wrong, expired or already used.');
const LOCKED_CODE = () => new GatewayError('pairing_locked', 'This pairing code is locked after too many wrong attempts; ask for a new one.');

type Attempt = { ok: true; result: ExchangeResult } | { ok: false; error: GatewayError; countsAsFailure: boolean };

/** The first group of a normalised code: a wrong guess that shares it counts against that code. */
const groupOf = (normalised: string) => normalised.slice(0, 4);

export class PairingCodeService {
  constructor(
    private readonly orm: Orm,
    private readonly agents: AgentService,
    private readonly tokens: TokenService,
    private readonly audit: AuditLog,
    private readonly guard: PairingGuard,
    private readonly config: GatewayConfig,
    private readonly hasher: SecretHasher,
  ) {}

  async create(em: EntityManager, agentId: string, ttlSeconds: number | undefined, ctx: ActingContext): Promise<CreatedPairingCode> {
    return em.transactional(async (tx) => {
      const agent = await this.agents.lock(tx, agentId);
      if (agent.status !== 'active') throw new GatewayError('conflict', `The agent is ${agent.status}; only active agents can be paired.`);
      const code = newCode();
      const normalised = normaliseCode(code)!;
      const now = new Date();
      const row = tx.create(PairingCodeSchema, {
        id: randomUUID(),
        agentId,
        codeMac: this.hasher.mac('pairing-code', normalised),
        groupMac: this.hasher.mac('pairing-code-group', groupOf(normalised)),
        createdBy: `${ctx.actor.type}:${ctx.actor.id}`,
        createdAt: now,
        expiresAt: new Date(now.getTime() + (ttlSeconds ?? this.config.pairingCodeTtlSeconds) * 1000),
        usedAt: null,
        tokenId: null,
        failedAttempts: 0,
        lockedAt: null,
      });
      tx.persist(row);
      await tx.flush();
      await this.audit.append(tx, agentChangeEvent(ctx, agent, 'pairing.code_created', { type: 'pairing_code', id: row.id }, { expires_at: row.expiresAt.toISOString() }));
      return { id: row.id, agent_id: agentId, code, expires_at: row.expiresAt.toISOString() };
    });
  }

  /**
   * Exchanges a code for a token, once. The code row is locked for the transaction, so of two
   * concurrent exchanges the second sees the code used. Wrong guesses count against the code (it
   * locks after PAIRING_CODE_MAX_ATTEMPTS) and against the address (see PairingGuard).
   */
  async exchange(code: string, deviceName: string, address: string, requestId?: string): Promise<ExchangeResult> {
    await this.guard.admit(address);
    const normalised = normaliseCode(code);
    const attempt: Attempt = normalised
      ? await this.orm.em.fork().transactional((tx) => this.attempt(tx, normalised, deviceName, address, requestId))
      : { ok: false, error: WRONG_CODE(), countsAsFailure: true };
    if (attempt.ok) return attempt.result;
    if (attempt.countsAsFailure) await this.guard.fail(address, requestId);
    throw attempt.error;
  }

  private async attempt(tx: EntityManager, normalised: string, deviceName: string, address: string, requestId?: string): Promise<Attempt> {
    // The index finds the row by the HMAC; the constant-time check below is what accepts it.
    const candidates = await sql<{ id: string }>(tx, 'select id from pairing_codes where code_mac = ? order by created_at desc limit 5 for update', [this.hasher.mac('pairing-code', normalised)]);
    const rows = candidates.length ? await tx.find(PairingCodeSchema, { id: { $in: candidates.map((c) => c.id) } }, { refresh: true, orderBy: { createdAt: 'desc' } }) : [];
    const match = rows.find((r) => this.hasher.matches('pairing-code', normalised, r.codeMac));
    if (!match) return this.wrongGuess(tx, normalised, address, requestId);
    const now = new Date();
    if (match.lockedAt) return { ok: false, error: LOCKED_CODE(), countsAsFailure: false };
    if (match.usedAt || match.expiresAt <= now) return { ok: false, error: WRONG_CODE(), countsAsFailure: true };
    const agent = await this.agents.lock(tx, match.agentId);
    if (agent.status !== 'active') return { ok: false, error: WRONG_CODE(), countsAsFailure: false };
    const issued = await this.tokens.issueFor(
      tx,
      agent,
      { label: deviceName, origin: 'pairing_code', expiresAt: new Date(now.getTime() + this.config.pairedTokenTtlSeconds * 1000) },
      { actor: { type: 'anonymous', id: address }, address, ...(requestId ? { requestId } : {}) },
      'pairing.code_exchanged',
    );
    match.usedAt = now;
    match.tokenId = issued.token.id;
    await tx.flush();
    return { ok: true, result: { ...issued, agent: { id: agent.id, display_name: agent.displayName, owner_user_id: agent.ownerUserId } } };
  }

  /** A wrong code: count it against every live code that shares its first group (found by the group's HMAC). */
  private async wrongGuess(tx: EntityManager, normalised: string, address: string, requestId?: string): Promise<Attempt> {
    const now = new Date();
    const near = await sql<{ id: string }>(
      tx,
      'select id from pairing_codes where group_mac = ? and used_at is null and locked_at is null and expires_at > now() order by created_at desc limit 20 for update',
      [this.hasher.mac('pairing-code-group', groupOf(normalised))],
    );
    if (near.length === 0) return { ok: false, error: WRONG_CODE(), countsAsFailure: true };
    const rows: PairingCode[] = await tx.find(PairingCodeSchema, { id: { $in: near.map((n) => n.id) } }, { refresh: true });
    for (const row of rows.filter((r) => !r.usedAt && !r.lockedAt && r.expiresAt > now)) {
      row.failedAttempts += 1;
      if (row.failedAttempts < this.config.pairingCodeMaxAttempts) continue;
      row.lockedAt = now;
      await this.audit.append(tx, {
        kind: 'pairing.code_locked',
        actor: { type: 'anonymous', id: address },
        agentId: row.agentId,
        subject: { type: 'pairing_code', id: row.id },
        requestId: requestId ?? null,
        outcome: 'failure',
        detail: { failed_attempts: row.failedAttempts },
      });
    }
    await tx.flush();
    return { ok: false, error: WRONG_CODE(), countsAsFailure: true };
  }
}
