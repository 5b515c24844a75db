import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { AuditLog } from '../audit/index.js';
import { publicOrigin, type GatewayConfig } from '../config/index.js';
import { GatewayError } from '../errors/index.js';
import { agentChangeEvent, agentView, newFlowSecret, type ActingContext, type AgentService, type AgentView, type IssuedToken, type SecretHasher, type TokenService } from '../identity/index.js';

import { PairingFlowSchema, pgErrorCode, type Agent, type EntityManager, type Orm, type PairingFlow } from '../store/index.js';
import type { PairingGuard } from './guard.js';
import { newCode, normaliseCode } from './user-codes.js';

export interface StartedFlow {
  flow_id: string;
  flow_secret: string;
  user_code: string;
  verification_uri: string | null;
  verification_uri_complete: string | null;
  expires_in: number;
  /** Seconds the CLI waits between polls. */
  interval: number;
}

export interface FlowView {
  id: string;
  status: string;
  device_name: string;
  client_address: string;
  created_at: string;
  expires_at: string;
  agent_id: string | null;
}

export interface FlowToken extends IssuedToken {
  agent: { id: string; display_name: string; owner_user_id: string };
}

/** Either bind the flow to an agent that exists, or create one owned by the acting user. */
export type ApprovalTarget = { agentId: string } | { newAgent: { displayName: string; ownerEmail: string } };

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

function flowView(f: PairingFlow): FlowView {
  return {
    id: f.id,
    status: f.expiresAt <= new Date() && f.status === 'pending' ? 'expired' : f.status,
    device_name: f.deviceName,
    client_address: f.clientAddress,
    created_at: f.createdAt.toISOString(),
    expires_at: f.expiresAt.toISOString(),
    agent_id: f.agentId ?? null,
  };
}

type PollOutcome = { ok: true; token: FlowToken } | { ok: false; error: GatewayError; countsAsFailure: boolean };

/**
 * The device-style pairing flow, after RFC 8628: the local CLI starts a flow and polls with its
 * flow id and secret; the owner approves or denies the short user code through the internal API.
 * The token is minted at the first poll after approval and handed out exactly once.
 */
export class DeviceFlowService {
  constructor(
    private readonly orm: Orm,
    private readonly agents: AgentService,
    private readonly tokens: TokenService,
    private readonly audit: AuditLog,
    private readonly guard: PairingGuard,
    private readonly config: GatewayConfig,
    private readonly hasher: SecretHasher,
  ) {}

  async start(deviceName: string, address: string, requestId?: string): Promise<StartedFlow> {
    await this.guard.admit(address);
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.orm.em.fork().transactional((tx) => this.insertFlow(tx, deviceName, address, requestId));
      } catch (err) {
        // A user code collided with a live one: draw another.
        if (pgErrorCode(err) !== '23505' || attempt >= 4) throw err;
      }
    }
  }

  private async insertFlow(tx: EntityManager, deviceName: string, address: string, requestId?: string): Promise<StartedFlow> {
    const secret = newFlowSecret();
    const userCode = newCode();
    const now = new Date();
    const intervalMs = Math.round(this.config.pairingPollIntervalSeconds * 1000);
    const flow = tx.create(PairingFlowSchema, {
      id: randomUUID(),
      secretMac: this.hasher.mac('flow-secret', secret.plaintext),
      userCodeMac: this.hasher.mac('user-code', normaliseCode(userCode)!),
      deviceName,
      clientAddress: address,
      status: 'pending',
      intervalMs,
      lastPolledAt: null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.config.pairingFlowTtlSeconds * 1000),
      agentId: null,
      decidedBy: null,
      decidedAt: null,
      tokenId: null,
    });
    tx.persist(flow);
    await tx.flush();
    await this.audit.append(tx, {
      kind: 'pairing.flow_started',
      actor: { type: 'anonymous', id: address },
      subject: { type: 'pairing_flow', id: flow.id },
      requestId: requestId ?? null,
      outcome: 'success',
      detail: { device_name: deviceName },
    });
    // Unset: the console's pairing page on the gateway's own origin (PUBLIC_URL, else http://HOST:PORT).
    const base = this.config.pairingVerificationUrl ?? `${publicOrigin(this.config)}/console/pair`;
    return {
      flow_id: flow.id,
      flow_secret: secret.plaintext,
      user_code: userCode,
      verification_uri: base,
      verification_uri_complete: base ? `${base}${base.includes('?') ? '&' : '?'}user_code=${encodeURIComponent(userCode)}` : null,
      expires_in: this.config.pairingFlowTtlSeconds,
      interval: seconds(intervalMs),
    };
  }

  async poll(flowId: string, flowSecret: string, address: string, requestId?: string): Promise<FlowToken> {
    await this.guard.admit(address);
    const outcome = await this.orm.em.fork().transactional((tx) => this.pollLocked(tx, flowId, flowSecret, address, requestId));
    if (outcome.ok) return outcome.token;
    if (outcome.countsAsFailure) await this.guard.fail(address, requestId);
    throw outcome.error;
  }

  private async pollLocked(tx: EntityManager, flowId: string, flowSecret: string, address: string, requestId?: string): Promise<PollOutcome> {
    const flow = await tx.findOne(PairingFlowSchema, { id: flowId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!flow || !this.hasher.matches('flow-secret', flowSecret, flow.secretMac)) {
      return { ok: false, error: new GatewayError('invalid_pairing_code', 'Unknown flow or wrong flow secret.'), countsAsFailure: true };
    }
    const now = new Date();
    if (flow.status === 'delivered') return { ok: false, error: new GatewayError('expired_token', 'This flow has already delivered its token.'), countsAsFailure: false };
    if (flow.status === 'denied') return { ok: false, error: new GatewayError('access_denied', 'The owner denied this pairing request.'), countsAsFailure: false };
    if (flow.expiresAt <= now) return { ok: false, error: new GatewayError('expired_token', 'The pairing flow expired; start a new one.'), countsAsFailure: false };
    const tooSoon = flow.lastPolledAt && now.getTime() - flow.lastPolledAt.getTime() < flow.intervalMs;
    flow.lastPolledAt = now;
    if (tooSoon) {
      flow.intervalMs += Math.round(this.config.pairingSlowDownSeconds * 1000);
      await tx.flush();
      const interval = seconds(flow.intervalMs);
      return { ok: false, error: new GatewayError('slow_down', `Polling too fast; wait ${interval} seconds between polls.`, { context: { interval } }), countsAsFailure: false };
    }
    if (flow.status === 'pending') {
      await tx.flush();
      return { ok: false, error: new GatewayError('authorization_pending', 'Waiting for the owner to approve.', { context: { interval: seconds(flow.intervalMs) } }), countsAsFailure: false };
    }
    return this.deliver(tx, flow, address, requestId);
  }

  private async deliver(tx: EntityManager, flow: PairingFlow, address: string, requestId?: string): Promise<PollOutcome> {
    const agent = await this.agents.lock(tx, flow.agentId!);
    if (agent.status !== 'active') {
      flow.status = 'denied';
      await tx.flush();
      return { ok: false, error: new GatewayError('access_denied', 'The agent of this pairing is no longer active.'), countsAsFailure: false };
    }
    const issued = await this.tokens.issueFor(
      tx,
      agent,
      { label: flow.deviceName, origin: 'device_flow', expiresAt: new Date(Date.now() + this.config.pairedTokenTtlSeconds * 1000) },
      { actor: { type: 'anonymous', id: address }, address, ...(requestId ? { requestId } : {}) },
      'pairing.flow_completed',
    );
    flow.status = 'delivered';
    flow.tokenId = issued.token.id;
    await tx.flush();
    return { ok: true, token: { ...issued, agent: { id: agent.id, display_name: agent.displayName, owner_user_id: agent.ownerUserId } } };
  }

  private async lockByUserCode(tx: EntityManager, userCode: string): Promise<PairingFlow> {
    const normalised = normaliseCode(userCode);
    const flow = normalised ? await tx.findOne(PairingFlowSchema, { userCodeMac: this.hasher.mac('user-code', normalised) }, { lockMode: LockMode.PESSIMISTIC_WRITE }) : null;
    if (!flow || !this.hasher.matches('user-code', normalised!, flow.userCodeMac)) throw new GatewayError('not_found', 'No pairing flow with this user code.');
    return flow;
  }

  private assertPending(flow: PairingFlow): void {
    if (flow.status !== 'pending') throw new GatewayError('conflict', `The pairing flow is already ${flow.status}.`);
    if (flow.expiresAt <= new Date()) throw new GatewayError('conflict', 'The pairing flow has expired.');
  }

  /** What the owner sees before deciding: which device, from where, since when. */
  async lookup(em: EntityManager, userCode: string): Promise<FlowView> {
    return em.transactional(async (tx) => flowView(await this.lockByUserCode(tx, userCode)));
  }

  async approve(em: EntityManager, userCode: string, target: ApprovalTarget, ownerUserId: string, ctx: ActingContext): Promise<{ flow: FlowView; agent: AgentView }> {
    return em.transactional(async (tx) => {
      const flow = await this.lockByUserCode(tx, userCode);
      this.assertPending(flow);
      const agent: Agent =
        'agentId' in target
          ? await this.agents.lock(tx, target.agentId)
          : await this.agents.create(tx, { ownerUserId, ownerEmail: target.newAgent.ownerEmail, displayName: target.newAgent.displayName }, ctx);
      if (agent.status !== 'active') throw new GatewayError('conflict', `The agent is ${agent.status}; only active agents can be paired.`);
      flow.status = 'approved';
      flow.agentId = agent.id;
      flow.decidedBy = `${ctx.actor.type}:${ctx.actor.id}`;
      flow.decidedAt = new Date();
      await tx.flush();
      const detail = { device_name: flow.deviceName, client_address: flow.clientAddress };
      await this.audit.append(tx, agentChangeEvent(ctx, agent, 'pairing.flow_approved', { type: 'pairing_flow', id: flow.id }, detail));
      return { flow: flowView(flow), agent: agentView(agent) };
    });
  }

  async deny(em: EntityManager, userCode: string, ctx: ActingContext): Promise<FlowView> {
    return em.transactional(async (tx) => {
      const flow = await this.lockByUserCode(tx, userCode);
      this.assertPending(flow);
      flow.status = 'denied';
      flow.decidedBy = `${ctx.actor.type}:${ctx.actor.id}`;
      flow.decidedAt = new Date();
      await tx.flush();
      await this.audit.append(tx, {
        kind: 'pairing.flow_denied',
        actor: ctx.actor,
        subject: { type: 'pairing_flow', id: flow.id },
        requestId: ctx.requestId ?? null,
        outcome: 'success',
        detail: { device_name: flow.deviceName, client_address: flow.clientAddress },
      });
      return flowView(flow);
    });
  }
}
