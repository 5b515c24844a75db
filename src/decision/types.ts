import type { ToolContract } from '../contracts/index.js';
import type { FieldError, GatewayError } from '../errors/index.js';
import type { Actor } from '../audit/index.js';
import type { AuthenticatedAgent, LiveGrant } from '../identity/index.js';
import type { TaskerReference } from '../mediator/index.js';
import type { ProjectScope } from '../tasker/index.js';
import type { Decision, DecisionInput, DecisionReason } from '../policy/index.js';

export type Transport = 'mcp' | 'rest';

/** One tool call from either front door, after the bearer token was authenticated. */
export interface ToolCall {
  auth: AuthenticatedAgent;
  tool: string;
  /** The raw arguments as the caller sent them; the pipeline validates them. */
  args: unknown;
  transport: Transport;
  requestId: string;
  /** REST `Idempotency-Key` header; MCP callers put `idempotency_key` in the arguments instead. */
  idempotencyKey?: string;
  /** The caller's address, for the decision log. */
  address?: string;
}

/**
 * What a call came to when it did not fail: the tool's result, or an action parked for the owner's
 * approval. Every failure is a GatewayError (denied, validation_failed, not_found, policy_unavailable,
 * tasker_*, ...) whose `context.decision_id` names the recorded decision.
 */
export type ToolCallResult =
  | {
      status: 'ok';
      decisionId: string;
      result: unknown;
      tasker: TaskerReference | null;
      replayed: boolean;
      /** Writes only: whether the outcome event is in the audit chain or kept in the audit outbox until the chain takes it. */
      auditOutcome?: 'recorded' | 'pending';
    }
  | { status: 'approval_pending'; decisionId: string; actionId: string; expiresAt: string; reasons: DecisionReason[] };

export type Verdict = 'allow' | 'deny' | 'approval_required';

export type PolicyResource = DecisionInput['resource'];

/**
 * Everything the pipeline knows about a call before it records and acts: used by real calls and,
 * unchanged, by `explain`, so a dry run and the real call cannot drift apart.
 */
export interface Assessment {
  tool: string;
  /** Null for a tool not in the catalogue. */
  contract: ToolContract | null;
  args: Record<string, unknown>;
  /** Argument errors as JSON pointers; empty when the arguments are valid. */
  fields: FieldError[];
  resource: PolicyResource;
  /** The decision input handed to the policy; null when the call failed before it was built. */
  input: DecisionInput | null;
  /** The policy's answer; null when the policy was not consulted or failed. */
  decision: Decision | null;
  verdict: Verdict;
  /** Why it was denied (empty when allowed). */
  reasons: DecisionReason[];
  /** Why the owner must approve (empty unless `approval_required`). */
  approvalReasons: DecisionReason[];
  /** The projects the call may touch (obligation `project_scope`); empty when the policy did not allow it. */
  projectScope: ProjectScope;
  matchedGrants: string[];
  policyRevision: string | null;
  /** The error a real call answers with when the verdict is `deny`. */
  failure: GatewayError | null;
  /** Time spent evaluating the policy, in milliseconds. */
  policyMs: number;
}

/** What a call needs to know about its agent and request, whether the agent or its owner set it off. */
export interface CallContext {
  actor: Actor;
  agent: { id: string; ownerUserId: string; ownerEmail: string; displayName: string; status: string };
  token: { id: string; expiresAt: Date | null };
  transport: Transport;
  requestId: string;
  idempotencyKey: string | null;
  /** The live grants read with the caller's token; absent when the owner set the call off (they are read then). */
  grants?: LiveGrant[];
}
