import { canonicalJson, recordable, sha256Hex, type Actor, type AppendOptions, type AuditEventInput, type AuditLog, type AuditOutbox, type Durability } from '../audit/index.js';
import type { TaskerReference } from '../mediator/index.js';
import type { EntityManager } from '../store/index.js';
import type { Assessment, Transport } from './types.js';

/**
 * SHA-256 of the canonical JSON of the arguments in their recorded form (see src/audit/recordable.ts,
 * the identity for any storable value): the audit names what was asked without storing it, and
 * arguments refused for a NUL, a lone surrogate or `1e999` still get a digest.
 */
export function argsDigest(args: unknown): string {
  return sha256Hex(canonicalJson(recordable(args ?? {})));
}

export interface DecisionRecord {
  decisionId: string;
  actor: Actor;
  agentId: string;
  ownerUserId: string;
  tokenId: string;
  transport: Transport;
  requestId: string | null;
  idempotencyKey: string | null;
  assessment: Assessment;
  /** Set when the decision re-checks an action the owner approved. */
  approvedAction?: string;
}

const AUDIT_OUTCOME = { allow: 'success', deny: 'denied', approval_required: 'pending' } as const;

/** Appends the `decision` event: who asked what, about which resource, and what the policy said. */
export async function recordDecision(audit: AuditLog, em: EntityManager, r: DecisionRecord, options: AppendOptions = {}): Promise<void> {
  const a = r.assessment;
  await audit.append(em, {
    kind: 'decision',
    actor: r.actor,
    agentId: r.agentId,
    ownerUserId: r.ownerUserId,
    subject: { type: 'decision', id: r.decisionId },
    requestId: r.requestId,
    outcome: AUDIT_OUTCOME[a.verdict],
    detail: {
      decision_id: r.decisionId,
      tool: a.tool,
      tool_kind: a.contract?.['x-gateway'].kind ?? null,
      transport: r.transport,
      token_id: r.tokenId,
      resource: a.resource,
      args_sha256: argsDigest(a.args),
      result: a.verdict,
      reasons: a.reasons,
      approval_reasons: a.approvalReasons,
      matched_grants: a.matchedGrants,
      policy_revision: a.policyRevision,
      idempotency_key: r.idempotencyKey,
      ...(a.fields.length ? { argument_errors: a.fields.map((f) => f.pointer) } : {}),
      ...(r.approvedAction ? { approved_action: r.approvedAction } : {}),
    },
  }, options);
}

export interface OutcomeRecord {
  decisionId: string;
  actor: Actor;
  agentId: string;
  ownerUserId: string;
  requestId: string | null;
  tool: string;
  latencyMs: number;
  /** Null when the call succeeded. */
  errorCode: string | null;
  tasker: TaskerReference | null;
  replayed: boolean;
  /** For a replayed write: the decision under which it actually ran. */
  executedUnderDecisionId?: string;
  approvedAction?: string;
}

/** The `outcome` event of an allowed call: ok or the error code, latency, Tasker reference. */
export function outcomeEvent(r: OutcomeRecord): AuditEventInput {
  return {
    kind: 'outcome',
    actor: r.actor,
    agentId: r.agentId,
    ownerUserId: r.ownerUserId,
    subject: { type: 'decision', id: r.decisionId },
    requestId: r.requestId,
    outcome: r.errorCode ? 'failure' : 'success',
    detail: {
      decision_id: r.decisionId,
      tool: r.tool,
      result: r.errorCode ? 'error' : 'ok',
      error_code: r.errorCode,
      latency_ms: r.latencyMs,
      tasker: r.tasker,
      replayed: r.replayed,
      ...(r.executedUnderDecisionId && r.executedUnderDecisionId !== r.decisionId ? { executed_under_decision_id: r.executedUnderDecisionId } : {}),
      ...(r.approvedAction ? { approved_action: r.approvedAction } : {}),
    },
  };
}

/** Where an outcome ended up, and why it is not in the chain yet when it is not. */
export interface OutcomeDurability {
  kept: Durability;
  error?: unknown;
}

/**
 * Appends the outcome event; when the chain does not take it, keeps it in the outbox (or, when
 * the database cannot even take that, in memory), from where the relay appends it. Never throws:
 * the action has happened, so its outcome must be kept, not turned into a second failure.
 * `lazy` when nobody waits on the chain: it then rides with the next batch of the audit log.
 */
export async function recordOutcome(audit: AuditLog, outbox: AuditOutbox, em: EntityManager, r: OutcomeRecord, lazy = false): Promise<OutcomeDurability> {
  const event = outcomeEvent(r);
  try {
    await audit.append(em, event, { lazy });
    return { kept: 'chain' };
  } catch (error) {
    return { kept: await outbox.keep(event, error), error };
  }
}
