import type { ToolContract } from '../contracts/index.js';
import type { ProjectScope } from '../tasker/index.js';
import type { TaskerReference } from './tasker-reference.js';

/** The agent an action runs for; its name and owner go into Tasker as attribution. */
export interface ActingAgent {
  id: string;
  display_name: string;
  owner_user_id: string;
  owner_email: string;
}

/** An action the decision stage allowed (or a human approved), ready to run. */
export interface ApprovedAction {
  tool: ToolContract;
  /** Arguments already validated against the tool's inputSchema (the mediator checks again). */
  args: Record<string, unknown>;
  agent: ActingAgent;
  /** The recorded allow decision this execution rests on. */
  decisionId: string;
  /**
   * The decision's `project_scope` obligation: the projects the action may touch. The adapter
   * answers anything outside it as not found, and confines searches and listings to it.
   */
  projectScope: ProjectScope;
  /**
   * The caller's idempotency key (REST `Idempotency-Key` header, or the MCP `idempotency_key`
   * argument). When absent, the `idempotency_key` argument is used; when both are given they must agree.
   */
  idempotencyKey?: string | null;
}

export interface MediatorResult {
  tool: string;
  /** The tool result, valid against the tool's outputSchema. */
  result: unknown;
  /** The Tasker object the result is about, when there is one. */
  tasker: TaskerReference | null;
  /** Time spent in this call, including the Tasker round trips (or the store read of a replay). */
  latencyMs: number;
  /** True when the result is the stored one of an earlier call with the same key: Tasker was not called. */
  replayed: boolean;
  /** The idempotency key that protected the write, null for reads and unkeyed writes. */
  idempotencyKey: string | null;
  /** For a replay, the decision under which the write actually ran. */
  executedUnderDecisionId: string;
}

/**
 * A result whose bookkeeping after Tasker's answer (the result stored under the key, the write
 * taken off the journal) may still be running: `settled` resolves when it is done and never
 * rejects (a failure there is logged and gives the key back, as before). A caller answers only
 * after `settled`, but may record the outcome meanwhile, so the two commits overlap.
 */
export interface MediatorRun extends MediatorResult {
  settled: Promise<void>;
}

export interface MediatorOptions {
  /** How long a key is remembered after its first use; default 24 hours. */
  idempotencyTtlMs?: number;
  /**
   * How long a second call with a key waits for the first one still running before it answers
   * `idempotency_in_progress`; default 10 s.
   */
  inProgressWaitMs?: number;
  /**
   * How long a holder owns an `in_progress` key; afterwards a retry with the same arguments may take
   * it over (the holder is assumed dead). Default: the adapter's deadline plus 30 s, so a live holder
   * is never overtaken.
   */
  leaseMs?: number;
  /**
   * This gateway's InstanceLock key, stamped on the writes it runs: while the lock is held they are
   * live; once it is free (the process is gone) the reconciler settles them. Without one, a write
   * left behind is settled only after it outlived the longest live write.
   */
  holderLock?: string | null;
  /** When the reconciler first looks at a write whose answer was lost; default 2 s. */
  recheckMs?: number;
}
