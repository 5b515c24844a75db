import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/index.js';
import type { GatewayConfig } from '../config/index.js';
import { GatewayError } from '../errors/index.js';
import { agentChangeEvent, hashesEqual, sha256, type ActingContext, type AgentService, type IssuedToken, type TokenService } from '../identity/index.js';

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

export class PairingCodeService {
  constructor(
    private readonly orm: Orm,
    private readonly agents: AgentService,
    private readonly tokens: TokenService,
    private readonly audit: AuditLog,
    private readonly guard: PairingGuard,
    private readonly config: GatewayConfig,
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
        lookup: normalised.slice(0, 4),
        codeHash: sha256(normalised),
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
    const candidates = await sql<{ id: string }>(tx, 'select id from pairing_codes where lookup = ? order by created_at desc limit 20 for update', [normalised.slice(0, 4)]);
    if (candidates.length === 0) return { ok: false, error: WRONG_CODE(), countsAsFailure: true };
    const rows = await tx.find(PairingCodeSchema, { id: { $in: candidates.map((c) => c.id) } }, { refresh: true });
    const presentedHash = sha256(normalised);
    const match = rows.find((r) => hashesEqual(presentedHash, r.codeHash));
    if (!match) return this.wrongGuess(tx, rows, address, requestId);
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

  /** A right lookup group with a wrong rest: count it against every live code that shares the group. */
  private async wrongGuess(tx: EntityManager, rows: PairingCode[], address: string, requestId?: string): Promise<Attempt> {
    const now = new Date();
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
