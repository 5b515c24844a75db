import { APPROVAL_ENTITIES, ApprovalService, DEFAULT_APPROVAL_TTL_MS, DEFAULT_EXPIRY_SWEEP_MS, approvalsRouter } from '../approvals/index.js';
import { ContractRegistry } from '../contracts/index.js';
import { GatewayError } from '../errors/index.js';
import type { GatewayDeps, GatewayExtension } from '../gateway/index.js';
import { MEDIATOR_ENTITIES, Mediator, type MediatorOptions } from '../mediator/index.js';
import { GatewayMetrics, metricsRouter } from '../metrics/index.js';
import { gatewayPolicyData, type PolicyEngine } from '../policy/index.js';
import type { TaskerAdapter } from '../tasker/index.js';
import { policyCatalogue } from './catalogue.js';
import { DEFAULT_MASKED_POINTERS } from './masking.js';
import { RequestPipeline } from './pipeline.js';
import { startPurgingUsage } from './usage.js';

export interface DecisionExtensionOptions {
  /** A policy engine; it may still be loading, calls fail closed until it serves a build. */
  engine: PolicyEngine;
  /** The Tasker adapter the mediator runs actions through. */
  adapter: TaskerAdapter;
  /** Default: `ContractRegistry.load()` (schemas/tools). */
  registry?: ContractRegistry;
  /** The workspace of calls that name none; default the adapter's workspace. */
  workspace?: string;
  /** How long a parked action waits for its owner; default 24 h. */
  approvalTtlMs?: number;
  /** How often expired pending actions are swept; default 60 s. */
  expirySweepMs?: number;
  /** JSON pointers masked in the decision log; default DEFAULT_MASKED_POINTERS. */
  maskedPointers?: readonly string[];
  mediatorOptions?: MediatorOptions;
  /** Share one metrics registry with the front doors; default a new one. */
  metrics?: GatewayMetrics;
  /** Load the tool catalogue into the engine's data at setup (setData replaces all data); default true. */
  loadCatalogue?: boolean;
  /** Register the mediator's idempotency table with the ORM; default true (set false if another extension does). */
  registerMediatorEntities?: boolean;
}

/** What the front doors build on once the extension is set up. */
export interface DecisionStage {
  pipeline: RequestPipeline;
  approvals: ApprovalService;
  metrics: GatewayMetrics;
  registry: ContractRegistry;
  mediator: Mediator;
}

export interface DecisionExtension extends GatewayExtension {
  /** The stage; available once the gateway has run `setup` (front-door extensions set up later read it). */
  readonly stage: DecisionStage;
}

/**
 * The decision stage as a gateway extension: the request pipeline, approvals
 * (`/internal/v1/approvals`), the `/metrics` router, the pending-action (and mediator) tables, a
 * readiness check that a policy build is serving, and the expiry sweeper.
 */
export function decisionExtension(options: DecisionExtensionOptions): DecisionExtension {
  let stage: DecisionStage | undefined;
  const registry = options.registry ?? ContractRegistry.load();
  return {
    name: 'decision',
    entities: [...APPROVAL_ENTITIES, ...(options.registerMediatorEntities === false ? [] : MEDIATOR_ENTITIES)],
    get stage(): DecisionStage {
      if (!stage) throw new Error('the decision extension is not set up yet');
      return stage;
    },
    setup(deps: GatewayDeps) {
      const metrics = options.metrics ?? new GatewayMetrics();
      if (options.loadCatalogue !== false) options.engine.setData(gatewayPolicyData(policyCatalogue(registry)));
      const mediator = new Mediator({ orm: deps.orm, adapter: options.adapter, registry, logger: deps.logger }, options.mediatorOptions);
      const approvals = new ApprovalService({ orm: deps.orm, audit: deps.audit, logger: deps.logger, metrics }, options.approvalTtlMs ?? DEFAULT_APPROVAL_TTL_MS);
      const pipeline = new RequestPipeline(
        { orm: deps.orm, audit: deps.audit, identity: deps.identity, logger: deps.logger, engine: options.engine, registry, mediator, approvals, metrics },
        { workspace: options.workspace ?? options.adapter.config.workspace, maskedPointers: options.maskedPointers ?? DEFAULT_MASKED_POINTERS },
      );
      approvals.setRunner(pipeline);
      stage = { pipeline, approvals, metrics, registry, mediator };
      const stopSweeping = approvals.startSweeping(options.expirySweepMs ?? DEFAULT_EXPIRY_SWEEP_MS);
      const stopPurging = mediator.startPurging();
      const stopPurgingUsage = startPurgingUsage(deps.orm, deps.logger);
      const stopRelay = pipeline.startOutboxRelay();
      return {
        routers: [
          { path: '/internal/v1/approvals', router: approvalsRouter(approvals, deps.validator) },
          { path: '/', router: metricsRouter(metrics) },
        ],
        readiness: [
          {
            // Named apart from the policy stage's own check: the decision stage is usable only with a build serving.
            name: 'decision',
            check: async () => {
              if (!options.engine.ready) throw new GatewayError('service_unavailable', 'no policy build is loaded: every call would be denied');
            },
          },
        ],
        capabilities: { approvals: { ttl_seconds: Math.round(approvals.ttlMs / 1000) }, metrics: '/metrics' },
        close: async () => {
          stopSweeping();
          stopPurging();
          stopPurgingUsage();
          // Outcomes recorded after their answer must reach the chain before the database closes.
          await pipeline.settled();
          await stopRelay();
        },
      };
    },
  };
}
