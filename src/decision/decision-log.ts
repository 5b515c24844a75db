import { markDecided, type Logger } from '../log/index.js';
import { argumentMasker } from './masking.js';
import type { Assessment } from './types.js';

export interface DecisionLogEntry {
  decisionId: string;
  agentId: string;
  ownerUserId: string;
  transport: string;
  requestId: string | null;
  address?: string;
  assessment: Assessment;
  /** `ok`, `approval_pending` or the error code the caller got. */
  status: string;
  latencyMs: number;
  approvedAction?: string;
}

/**
 * One structured line per decision, for the security team: decision id, policy revision, tool,
 * agent, result and latency, with the arguments masked by JSON pointers. Reason codes are listed
 * as `reason_codes` (a field named `code` would be taken for a secret by the log redactor).
 */
export class DecisionLog {
  private readonly mask: (args: unknown) => unknown;

  constructor(
    private readonly logger: Logger,
    maskedPointers: readonly string[],
  ) {
    this.mask = argumentMasker(maskedPointers);
  }

  write(e: DecisionLogEntry): void {
    // A front door's call: this line stands for its request line too (see src/log/decided-requests.ts).
    if (e.requestId && !e.approvedAction) markDecided(e.requestId);
    const a = e.assessment;
    this.logger.info('decision', {
      event: 'decision',
      decision_id: e.decisionId,
      policy_revision: a.policyRevision,
      tool: a.tool,
      agent_id: e.agentId,
      owner_user_id: e.ownerUserId,
      transport: e.transport,
      request_id: e.requestId,
      ...(e.address ? { address: e.address } : {}),
      result: a.verdict,
      status: e.status,
      reason_codes: [...a.reasons, ...a.approvalReasons].map((r) => r.code),
      matched_grants: a.matchedGrants,
      resource: a.resource,
      arguments: this.mask(a.args),
      ...(a.fields.length ? { argument_errors: a.fields.map((f) => f.pointer) } : {}),
      ...(e.approvedAction ? { approved_action: e.approvedAction } : {}),
      latency_ms: e.latencyMs,
      policy_ms: a.policyMs,
    });
  }
}
