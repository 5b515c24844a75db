import { performance } from 'node:perf_hooks';
import { argumentProblem, type ContractRegistry, type ToolContract } from '../contracts/index.js';
import { GatewayError, type FieldError } from '../errors/index.js';
import type { Identity } from '../identity/index.js';
import type { Logger } from '../log/index.js';
import type { GatewayMetrics } from '../metrics/index.js';
import { DECISION_ENTRYPOINT, decide, type Decision, type DecisionInput, type DecisionReason, type PolicyEngine, type PolicyGrant } from '../policy/index.js';
import type { EntityManager, Orm } from '../store/index.js';
import { policyGrant } from './policy-grants.js';
import type { Assessment, CallContext, PolicyResource, ToolCall, Verdict } from './types.js';
import { loadUsageIn, policyReadsUsage, UNREAD_USAGE, type Usage } from './usage.js';
import { UsageBatch } from './usage-batch.js';
import { denialMessage, elapsedMs, isPlainObject } from './values.js';

export interface AssessorDeps {
  orm: Orm;
  identity: Identity;
  logger: Logger;
  engine: PolicyEngine;
  registry: ContractRegistry;
  metrics: GatewayMetrics;
}

/**
 * The deciding half of the request path, without side effects: resolve the tool contract,
 * validate the arguments, derive the resource, load the agent's live grants and usage, build the
 * decision input and evaluate `gateway/decision`. Real calls and `explain` share it, so a dry run
 * and the real call cannot drift apart.
 */
export class Assessor {
  private readonly usage: UsageBatch;

  constructor(
    private readonly deps: AssessorDeps,
    /** The workspace of calls whose arguments name none. */
    private readonly workspace: string,
  ) {
    this.usage = new UsageBatch(deps.orm);
  }

  /** The assessment of a call; anything unexpected is a denial (fail closed), logged. */
  async assessOrFailClosed(call: ToolCall, ctx: CallContext, usageTx?: EntityManager): Promise<Assessment> {
    try {
      return await this.assess(call, ctx, usageTx);
    } catch (err) {
      this.deps.logger.error('a call could not be decided; denied', { request_id: call.requestId, tool: this.deps.registry.has(call.tool) ? call.tool : 'unknown', error: err instanceof Error ? err.message : String(err) });
      return this.failedAssessment(call.tool, isPlainObject(call.args) ? call.args : {}, err);
    }
  }

  /** The assessment of a call; unexpected failures are thrown (the `explain` tool reports them as such). */
  async assess(call: ToolCall, ctx: CallContext, usageTx?: EntityManager): Promise<Assessment> {
    const args = isPlainObject(call.args) ? call.args : {};
    if (!this.deps.registry.has(call.tool)) {
      const reasons = [{ code: 'unknown_tool', message: `tool ${call.tool} is not in the tool catalogue` }];
      return this.refused(call.tool, null, args, [], reasons, new GatewayError('not_found', `Unknown tool: ${call.tool}.`, { reasons, context: { tool: call.tool } }));
    }
    const contract = this.deps.registry.get(call.tool);
    // Limits and unstorable values before ajv walks the arguments: both front doors (and explain)
    // come through here, and the refusal is recorded like any other argument error.
    const problem = argumentProblem(call.args ?? {});
    if (problem) {
      const reasons = [{ code: 'invalid_arguments', message: `the arguments of ${call.tool} exceed the gateway's limits or hold a value that cannot be stored` }];
      return this.refused(call.tool, contract, args, [problem], reasons, new GatewayError('validation_failed', `The arguments of ${call.tool} are invalid: ${problem.pointer || 'the arguments'} ${problem.message}.`, { fields: [problem], reasons }));
    }
    const checked = this.deps.registry.validateArguments(call.tool, call.args ?? {});
    if (!checked.ok) {
      const reasons = [{ code: 'invalid_arguments', message: `the arguments of ${call.tool} do not match its input schema` }];
      return this.refused(call.tool, contract, args, checked.fields, reasons, new GatewayError('validation_failed', `The arguments of ${call.tool} are invalid.`, { fields: checked.fields, reasons }));
    }
    const derived = this.deps.registry.deriveResource(call.tool, args);
    const resource: PolicyResource = { workspace: derived.workspace ?? this.workspace, project: derived.project, work_item: derived.work_item };
    return this.assessKnown(ctx, contract, args, resource, usageTx);
  }

  /**
   * Loads grants and usage, builds the decision input and asks the policy. `usageTx`: the
   * transaction holding the agent's usage lock, whose connection reads the usage.
   *
   * The usage costs a database round trip, so a call whose grants are already known asks the
   * policy first with the usage unread: when the decision says no rule of it can read the usage
   * (`usage_needed: false`, no budget applies), that decision stands; otherwise, and whenever the
   * policy does not say, the usage is read and the policy asked again with the real figures.
   */
  async assessKnown(ctx: CallContext, contract: ToolContract, args: Record<string, unknown>, resource: PolicyResource, usageTx?: EntityManager): Promise<Assessment> {
    const readUsage = () => (usageTx ? loadUsageIn(usageTx, ctx.agent.id) : this.usage.read(ctx.agent.id));
    // Read at once, beside the grants, when the grants must be loaded anyway or the call holds the usage lock (it has a budget).
    const eager = usageTx !== undefined || ctx.grants === undefined;
    const [grants, read] = await Promise.all([
      ctx.grants ?? this.deps.identity.grants.liveGrants(this.deps.orm.em, ctx.agent.id),
      eager && policyReadsUsage(this.deps.engine) ? readUsage() : UNREAD_USAGE,
    ]);
    const policyGrants = grants.map(policyGrant);
    const first = this.decideWith(ctx, contract, args, resource, policyGrants, read);
    // A build that reads usage may have been loaded while this call waited: it gets the real figures.
    // Nothing awaits between this check and the evaluation above, so no other build can slip in.
    if (read !== UNREAD_USAGE || !policyReadsUsage(this.deps.engine)) return first;
    if (first.decision === null || first.decision.usage_needed === false) return first;
    return this.decideWith(ctx, contract, args, resource, policyGrants, await readUsage());
  }

  /** Builds the decision input and evaluates `gateway/decision`; a policy failure is a denial. */
  private decideWith(ctx: CallContext, contract: ToolContract, args: Record<string, unknown>, resource: PolicyResource, grants: PolicyGrant[], usage: Usage): Assessment {
    const kind = contract['x-gateway'].kind;
    const input = this.input(ctx, grants, usage, contract.name, kind, args, resource);
    const startedPolicy = performance.now();
    let decision: Decision;
    let revision: string | null = null;
    try {
      revision = this.deps.engine.revision;
      decision = decide(this.deps.engine, input);
    } catch (err) {
      this.deps.logger.error('the policy failed; the call is denied', { tool: contract.name, error: err instanceof Error ? err.message : String(err) });
      const reasons = [{ code: 'policy_unavailable', message: 'the policy could not decide this call' }];
      const failure = new GatewayError('policy_unavailable', 'The policy could not decide this call; nothing was done.', { reasons, cause: err });
      return { ...this.refused(contract.name, contract, args, [], reasons, failure), resource, input, policyRevision: revision, policyMs: elapsedMs(startedPolicy) };
    }
    const policyMs = elapsedMs(startedPolicy);
    this.deps.metrics.policyDuration.observe({ entrypoint: DECISION_ENTRYPOINT }, policyMs / 1000);
    const verdict: Verdict = !decision.allow ? 'deny' : decision.obligations.approval_required ? 'approval_required' : 'allow';
    return {
      tool: contract.name,
      contract,
      args,
      fields: [],
      resource,
      input,
      decision,
      verdict,
      reasons: decision.allow ? [] : decision.reasons,
      approvalReasons: verdict === 'approval_required' ? decision.obligations.approval_reasons : [],
      projectScope: decision.allow ? decision.obligations.project_scope : [],
      matchedGrants: decision.matched_grants,
      policyRevision: revision,
      failure: decision.allow ? null : new GatewayError('denied', denialMessage(decision.reasons), { reasons: decision.reasons }),
      policyMs,
    };
  }

  input(ctx: CallContext, grants: PolicyGrant[], usage: Usage, tool: string, kind: DecisionInput['action']['kind'], args: Record<string, unknown>, resource: PolicyResource): DecisionInput {
    return {
      agent: { id: ctx.agent.id, owner_user_id: ctx.agent.ownerUserId, status: ctx.agent.status, display_name: ctx.agent.displayName },
      token: { id: ctx.token.id, expires_at: ctx.token.expiresAt ? ctx.token.expiresAt.toISOString() : null },
      grants,
      action: { tool, kind, args },
      resource,
      request: { transport: ctx.transport, request_id: ctx.requestId, idempotency_key: ctx.idempotencyKey, time: new Date().toISOString() },
      usage,
    };
  }

  private refused(tool: string, contract: ToolContract | null, args: Record<string, unknown>, fields: FieldError[], reasons: DecisionReason[], failure: GatewayError): Assessment {
    return {
      tool,
      contract,
      args,
      fields,
      resource: { workspace: this.workspace, project: null, work_item: null },
      input: null,
      decision: null,
      verdict: 'deny',
      reasons,
      approvalReasons: [],
      projectScope: [],
      matchedGrants: [],
      policyRevision: this.currentRevision(),
      failure,
      policyMs: 0,
    };
  }

  /** Anything unexpected while deciding: a denial with reason `internal_error`, nothing run. */
  failedAssessment(tool: string, args: Record<string, unknown>, err: unknown): Assessment {
    const known = err instanceof GatewayError && err.code !== 'internal_error' ? err : undefined;
    const code = known?.code ?? 'internal_error';
    const reasons = [{ code, message: 'the gateway could not decide this call' }];
    const failure = new GatewayError(code, known?.message ?? 'The gateway could not decide this call; nothing was done.', { reasons, cause: err });
    const contract = this.deps.registry.has(tool) ? this.deps.registry.get(tool) : null;
    return this.refused(tool, contract, args, [], reasons, failure);
  }

  private currentRevision(): string | null {
    return this.deps.engine.ready ? this.deps.engine.revision : null;
  }
}
