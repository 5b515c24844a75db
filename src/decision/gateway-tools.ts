import { actionStatusView, type ApprovalService } from '../approvals/index.js';
import type { ContractRegistry } from '../contracts/index.js';
import { GatewayError } from '../errors/index.js';
import type { GrantService } from '../identity/index.js';
import type { Logger } from '../log/index.js';
import type { Orm } from '../store/index.js';
import { whoamiResult } from './plain-words.js';
import { explainCall } from './explanation.js';
import type { Assessment, ToolCall } from './types.js';

export interface GatewayToolDeps {
  orm: Orm;
  registry: ContractRegistry;
  grants: GrantService;
  approvals: ApprovalService;
  logger: Logger;
  /** The pipeline's own assessment, which `explain` reports without recording or acting. */
  assess(call: ToolCall): Promise<Assessment>;
}

/** `explain`: what a real call with these arguments would get, as the tool's output. */
function explainResult(tool: string, a: Assessment) {
  return {
    tool,
    decision: a.verdict,
    reasons: a.verdict === 'approval_required' ? a.approvalReasons : a.reasons,
    obligations: a.decision?.obligations ?? { approval_required: false, approval_reasons: [], project_scope: [] },
    matched_grants: a.matchedGrants,
    resource: a.resource,
    policy_revision: a.policyRevision ?? '',
    argument_errors: a.fields,
  };
}

/** Flags grants naming projects Tasker no longer has: they give nothing there, which the agent should know. */
function withMissingProjects(result: ReturnType<typeof whoamiResult>, missing: Map<string, string[]> | undefined) {
  if (!missing?.size) return result;
  const notes: string[] = [];
  const grants = result.grants.map((g) => {
    const gone = missing.get(g.id);
    if (!gone) return g;
    const note = `Tasker no longer has ${gone.length === 1 ? `project ${gone[0]}` : `projects ${gone.join(', ')}`}, so grant ${g.id} gives nothing there; ask your owner to fix the grant.`;
    notes.push(note);
    return { ...g, missing_projects: gone, summary: `${g.summary} ${note}` };
  });
  return { ...result, grants, summary: `${result.summary} ${notes.join(' ')}` };
}

async function resultOf(deps: GatewayToolDeps, call: ToolCall & { args: Record<string, unknown> }): Promise<unknown> {
  const { auth, args } = call;
  switch (call.tool) {
    case 'whoami':
      return withMissingProjects(whoamiResult(auth, auth.grants), await deps.grants.missingProjects(auth.grants));
    case 'explain': {
      // The proposed call as a call of its own: its idempotency key is the one in its arguments.
      const proposed: ToolCall = { auth, tool: String(args.tool), args: args.arguments ?? {}, transport: call.transport, requestId: call.requestId };
      const { assessment, matchedRules } = await explainCall(deps, proposed);
      return { ...explainResult(proposed.tool, assessment), matched_rules: matchedRules };
    }
    case 'get_action_status':
      return actionStatusView(await deps.approvals.getForAgent(auth.agent.id, String(args.action_id)));
    default:
      throw new GatewayError('internal_error', `No gateway handler for ${call.tool}.`);
  }
}

/**
 * Answers the gateway's own tools (whoami, explain, get_action_status) for the calling agent and
 * checks the answer against the tool's outputSchema, as the mediator does for Tasker results.
 */
export async function answerGatewayTool(deps: GatewayToolDeps, call: ToolCall & { args: Record<string, unknown> }): Promise<unknown> {
  const result = await resultOf(deps, call);
  const check = deps.registry.validateResult(call.tool, result);
  if (!check.ok) {
    deps.logger.error('a gateway tool result does not match its output contract', { tool: call.tool, fields: check.fields });
    throw new GatewayError('internal_error', `The answer of ${call.tool} did not match its output contract.`);
  }
  return result;
}

