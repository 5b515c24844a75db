import { APPROVAL_ENTITIES } from '../approvals/index.js';
import { ContractRegistry } from '../contracts/index.js';
import { decisionExtension, policyCatalogue, type DecisionExtensionOptions, type DecisionStage } from '../decision/index.js';
import { GatewayError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { MEDIATOR_ENTITIES } from '../mediator/index.js';
import { mcpExtension, parseAllowedOrigins } from '../mcp/index.js';
import { GATEWAY_ENTRYPOINTS, PolicyEngine, ensurePolicyBuilt, gatewayPolicyData, type BuildOptions } from '../policy/index.js';
import { readVerificationKey } from '../policy/build/index.js';
import { restExtension } from '../rest/index.js';
import { TaskerAdapter, startTaskerSandbox, type TaskerAdapterConfig, type TaskerAdapterOptions, type TaskerSandbox, type TaskerSandboxOptions } from '../tasker/index.js';
import { auditCheckpointStage } from './checkpoint-stage.js';
import { consoleExtension } from '../console/index.js';
import { oauthExtension, type OAuthServer } from '../oauth/index.js';
import type { GatewayExtension } from './extension.js';
import { acquireInstanceLock, startReconciling } from './write-reconciliation.js';
import { taskerGrantCatalogue } from './grant-catalogue.js';

/** Where Tasker is: a real server (all three settings given) or the in-process sandbox. */
export type TaskerTarget = { kind: 'remote'; options: TaskerAdapterOptions } | { kind: 'sandbox'; options: TaskerSandboxOptions };

export interface StageOptions {
  /** Read for TASKER_URL, TASKER_API_KEY, TASKER_WORKSPACE and MCP_ALLOWED_ORIGINS; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** How the policy is built (default: `build/policy`, regoc unless an opa binary is found). */
  policyBuild?: BuildOptions;
  /** Overrides what the environment says about Tasker (tests and the benchmark use this). */
  tasker?: TaskerTarget;
  /** Settings of the sandbox when it is used (e.g. a higher rate limit for the benchmark). */
  sandbox?: TaskerSandboxOptions;
  /** Adapter settings (timeouts, retries) for either kind of Tasker. */
  adapter?: Partial<Omit<TaskerAdapterConfig, 'baseUrl' | 'apiKey' | 'workspace'>>;
  /** Overrides MCP_ALLOWED_ORIGINS. */
  allowedOrigins?: string[];
  /** Passed on to the decision stage (approval TTL, masked pointers, mediator options, ...). */
  decision?: Omit<DecisionExtensionOptions, 'engine' | 'adapter' | 'registry' | 'loadCatalogue'>;
}

/**
 * Objects the stages share. The engine exists from the start (empty until the policy stage loads a
 * build, and failing closed until then); the others are set by the stage that owns them, during
 * gateway start-up, in the order of the extension list.
 */
export class StageContext {
  readonly registry = ContractRegistry.load();
  readonly engine: PolicyEngine;
  adapter?: TaskerAdapter;
  sandbox?: TaskerSandbox;
  decision?: DecisionStage;
  /** The OAuth authorization server (src/oauth); the console's consent page finishes its interactions. */
  oauth?: OAuthServer;

  constructor(logger: Logger) {
    // Winston loggers satisfy the engine's logger, so its lines join the gateway's own log.
    this.engine = new PolicyEngine({ requiredEntrypoints: GATEWAY_ENTRYPOINTS, logger });
  }

  need<K extends 'adapter' | 'decision'>(key: K): NonNullable<StageContext[K]> {
    const value = this[key];
    if (value === undefined) throw new Error(`stage wiring: ${key} is used before the stage that provides it was set up`);
    return value as NonNullable<StageContext[K]>;
  }
}

/** TASKER_URL + TASKER_API_KEY + TASKER_WORKSPACE all set: a real Tasker; none set: the sandbox; some: a configuration error. */
export function taskerTargetFromEnv(env: NodeJS.ProcessEnv): TaskerTarget {
  const settings = { TASKER_URL: env.TASKER_URL, TASKER_API_KEY: env.TASKER_API_KEY, TASKER_WORKSPACE: env.TASKER_WORKSPACE };
  const given = Object.entries(settings).filter(([, v]) => v !== undefined && v !== '');
  if (given.length === 0) return { kind: 'sandbox', options: {} };
  if (given.length < 3) {
    const missing = Object.entries(settings).filter(([, v]) => !v).map(([k]) => k);
    throw new Error(`Tasker is half configured: set ${missing.join(', ')} too, or none of TASKER_URL, TASKER_API_KEY, TASKER_WORKSPACE to use the sandbox`);
  }
  return { kind: 'remote', options: { baseUrl: settings.TASKER_URL!, apiKey: settings.TASKER_API_KEY!, workspace: settings.TASKER_WORKSPACE! } };
}

function policyStage(ctx: StageContext, build: BuildOptions): GatewayExtension {
  return {
    name: 'policy',
    async setup(deps) {
      const engine = ctx.engine;
      // Static data first: the engine keeps it and hands it to every build it loads.
      engine.setData(gatewayPolicyData(policyCatalogue(ctx.registry)));
      // Read (and checked) before anything is built or loaded: a bad key stops the start, it never means "unsigned is fine".
      const signing = deps.config.policySigningKey;
      if (deps.config.policyVerificationKey) engine.requireSignedBuilds(readVerificationKey(deps.config.policyVerificationKey));
      const built = await ensurePolicyBuilt(signing && build.signingKey === undefined ? { ...build, signingKey: signing } : build);
      await engine.reload({ dir: built.dir });
      deps.logger.info('policy loaded', { revision: engine.revision, compiler: built.manifest.compiler.name, rebuilt: built.rebuilt, signed: built.signed, verified: deps.config.policyVerificationKey !== undefined });
      return {
        readiness: [
          {
            name: 'policy',
            check: async () => {
              if (!engine.ready) throw new GatewayError('service_unavailable', 'no policy build is loaded');
            },
          },
        ],
        capabilities: { policy: { revision: engine.revision } },
      };
    },
  };
}

function taskerStage(ctx: StageContext, target: TaskerTarget, sandboxOptions: TaskerSandboxOptions, adapterSettings: StageOptions['adapter']): GatewayExtension {
  return {
    name: 'tasker',
    async setup(deps) {
      if (target.kind === 'remote') {
        ctx.adapter = new TaskerAdapter({ ...adapterSettings, ...target.options });
        deps.logger.info('tasker configured', { url: ctx.adapter.config.baseUrl, workspace: ctx.adapter.workspace });
        return { capabilities: { tasker: { mode: 'remote', workspace: ctx.adapter.workspace } } };
      }
      const sandbox = await startTaskerSandbox({ ...target.options, ...sandboxOptions });
      ctx.sandbox = sandbox;
      ctx.adapter = new TaskerAdapter({ ...adapterSettings, baseUrl: sandbox.url, apiKey: sandbox.apiKeys.admin, workspace: sandbox.workspace });
      // Named as such, so nobody mistakes local trials for the real tracker; the keys stay out of the log.
      deps.logger.warn('tasker sandbox in use (TASKER_URL, TASKER_API_KEY and TASKER_WORKSPACE are not set)', {
        url: sandbox.url,
        workspace: sandbox.workspace,
        projects: sandbox.projects,
        data: sandbox.snapshotPath ? `${sandbox.snapshotPath} (${sandbox.restored ? 'restored' : 'fresh from the seed'})` : 'in memory only',
      });
      return { capabilities: { tasker: { mode: 'sandbox', workspace: sandbox.workspace } }, close: () => sandbox.close() };
    },
  };
}

/**
 * The decision stage (src/decision) with its approvals, metrics and mediator. It is created at
 * setup because it needs the Tasker adapter, which exists only once the Tasker stage has started.
 */
function decisionStage(ctx: StageContext, options: StageOptions['decision']): GatewayExtension {
  return {
    name: 'decision',
    entities: [...APPROVAL_ENTITIES, ...MEDIATOR_ENTITIES],
    async setup(deps) {
      // Taken first: the mediator stamps it on every write, so another instance can tell a live write from one left by a crash.
      const lock = await acquireInstanceLock(deps);
      const mediatorOptions = { ...options?.mediatorOptions, holderLock: lock.key };
      const extension = decisionExtension({ ...options, mediatorOptions, engine: ctx.engine, adapter: ctx.need('adapter'), registry: ctx.registry, loadCatalogue: false, registerMediatorEntities: false });
      const parts = await Promise.resolve(extension.setup(deps)).catch(async (err: unknown) => {
        await lock.close();
        throw err;
      });
      ctx.decision = extension.stage;
      const stopReconciling = startReconciling(deps, extension.stage, ctx.need('adapter'), lock);
      const closeParts = parts.close;
      parts.close = async () => {
        stopReconciling();
        await closeParts?.();
        await lock.close();
      };
      // From here on a grant may name only what this Tasker and the tool contracts have.
      deps.identity.grants.useCatalogue(taskerGrantCatalogue(ctx.need('adapter'), ctx.registry));
      return parts;
    },
  };
}

export interface Stages {
  context: StageContext;
  extensions: GatewayExtension[];
}

/**
 * Every stage of the request path as gateway extensions, in dependency order: audit checkpoints, policy, Tasker,
 * decision (with approvals, metrics and the mediator), then the front doors (MCP, agent REST, the owner console).
 */
export function buildStages(logger: Logger, options: StageOptions = {}): Stages {
  const env = options.env ?? process.env;
  const ctx = new StageContext(logger);
  const target = options.tasker ?? taskerTargetFromEnv(env);
  const allowedOrigins = options.allowedOrigins ?? parseAllowedOrigins(env.MCP_ALLOWED_ORIGINS);
  const decision = () => ctx.need('decision');
  logger.debug('stages configured', { tasker: target.kind, allowed_origins: allowedOrigins.length });
  return {
    context: ctx,
    extensions: [
      auditCheckpointStage(),
      policyStage(ctx, options.policyBuild ?? {}),
      taskerStage(ctx, target, options.sandbox ?? {}, options.adapter),
      decisionStage(ctx, options.decision),
      mcpExtension({ registry: ctx.registry, decision, allowedOrigins }),
      restExtension({ registry: ctx.registry, decision }),
      oauthExtension((server) => (ctx.oauth = server)),
      consoleExtension({ oauth: () => ctx.oauth, decision, policyRevision: () => (ctx.engine.ready ? ctx.engine.revision : null) }),
    ],
  };
}
