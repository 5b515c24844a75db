import type { BuildManifest } from '../build/layout.js';
import type { BuildKey } from '../build/signing-keys.js';
import { PolicyUnavailableError } from './errors.js';
import {
  type CustomBuiltins,
  type LoadedBuild,
  type ResultRow,
  evaluateRows,
  instantiateBuild,
  setBuildData,
} from './loaded.js';
import { type PolicyLogger, defaultPolicyLogger } from './log.js';
import { type PolicyBuild, checkBuildSignature, readPolicyBuild } from './read-build.js';

/** Where a build comes from: a build directory (`policy.wasm` + `manifest.json`) or memory. */
export type BuildSource = { dir: string } | { build: PolicyBuild };

export interface PolicyEngineOptions {
  /** Entrypoints a build must export to be accepted (none by default). */
  requiredEntrypoints?: readonly string[];
  /** When set, a build whose manifest names another revision is refused. */
  expectedRevision?: string;
  /** Host built-ins for the SDK; the project's `hostBuiltins` by default. */
  builtins?: CustomBuiltins;
  logger?: PolicyLogger;
  /** POLICY_VERIFICATION_KEY: every build (from a directory or memory) must be signed under it. */
  verificationKey?: BuildKey;
}

export interface ReloadOptions {
  expectedRevision?: string;
}

function describeSource(source: BuildSource): string {
  return 'dir' in source ? source.dir : `in-memory build ${source.build.manifest.revision}`;
}

/**
 * Evaluates compiled policies. One build is current at any time; a reload instantiates the next
 * build aside and then swaps a single reference. The SDK evaluates synchronously, so an evaluation
 * that has started always finishes on the build it started on. Until a build has loaded, and when
 * a build cannot be loaded at all, every evaluation throws (fail closed).
 */
export class PolicyEngine {
  private current: LoadedBuild | undefined;
  private data: unknown = {};
  private queue: Promise<unknown> = Promise.resolve();
  private readonly logger: PolicyLogger;
  private verificationKey: BuildKey | undefined;

  constructor(private readonly options: PolicyEngineOptions = {}) {
    this.logger = options.logger ?? defaultPolicyLogger();
    this.verificationKey = options.verificationKey;
  }

  /**
   * From now on every build must be signed under `key` (POLICY_VERIFICATION_KEY, known only once
   * the configuration is read). There is deliberately no way back to accepting unsigned builds.
   */
  requireSignedBuilds(key: BuildKey): void {
    this.verificationKey = key;
  }

  /** Creates an engine and loads its first build; throws PolicyUnavailableError when it cannot. */
  static async open(source: BuildSource, options: PolicyEngineOptions = {}): Promise<PolicyEngine> {
    const engine = new PolicyEngine(options);
    await engine.reload(source);
    return engine;
  }

  get ready(): boolean {
    return this.current !== undefined;
  }

  /** The manifest of the build now serving. */
  get manifest(): BuildManifest {
    return this.serving().manifest;
  }

  /** The revision that decisions record in the audit log. */
  get revision(): string {
    return this.serving().manifest.revision;
  }

  /**
   * Loads a build and makes it current. Calls are served one after another in call order, so the
   * last call's build ends up current. When the new build is refused, the old one keeps serving and
   * the call rejects with the reason (also logged as one line).
   */
  reload(source: BuildSource, options: ReloadOptions = {}): Promise<BuildManifest> {
    const next = this.queue.then(() => this.loadAndSwap(source, options));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Replaces the base document `data` for this build and every later one. */
  setData(data: unknown): void {
    const copy = JSON.parse(JSON.stringify(data ?? {})) as unknown;
    this.data = copy;
    const build = this.current;
    if (!build) return;
    try {
      setBuildData(build, copy);
    } catch (err) {
      this.current = undefined;
      this.refuse(err, 'current build');
      throw err;
    }
  }

  /** The full result set of an entrypoint (a query entrypoint returns one row per solution). */
  query(entrypoint: string, input?: unknown): ResultRow[] {
    return evaluateRows(this.serving(), entrypoint, input);
  }

  /** The value of an entrypoint's document, or undefined when the policy leaves it undefined. */
  evaluate<T = unknown>(entrypoint: string, input?: unknown): T | undefined {
    const rows = this.query(entrypoint, input);
    if (rows.length === 0) return undefined;
    if (rows.length > 1) {
      throw new PolicyUnavailableError('invalid_result', `entrypoint ${entrypoint} returned ${rows.length} results`);
    }
    return rows[0]!.result as T | undefined;
  }

  private serving(): LoadedBuild {
    if (this.current) return this.current;
    throw new PolicyUnavailableError('not_loaded', 'no policy build is loaded');
  }

  private async loadAndSwap(source: BuildSource, options: ReloadOptions): Promise<BuildManifest> {
    try {
      const build = await this.verifiedBuild(source);
      const expectedRevision = options.expectedRevision ?? this.options.expectedRevision;
      const loaded = await instantiateBuild(build, {
        requiredEntrypoints: this.options.requiredEntrypoints ?? [],
        ...(expectedRevision === undefined ? {} : { expectedRevision }),
        ...(this.options.builtins === undefined ? {} : { builtins: this.options.builtins }),
      });
      // Data goes in right before the swap, in the same synchronous stretch, so no setData call
      // can slip between them and be lost.
      setBuildData(loaded, this.data);
      const previous = this.current?.manifest.revision;
      this.current = loaded;
      this.logger.info('policy build loaded', { revision: loaded.manifest.revision, previous, compiler: loaded.manifest.compiler.name });
      return loaded.manifest;
    } catch (err) {
      this.refuse(err, describeSource(source));
      throw err;
    }
  }

  private async verifiedBuild(source: BuildSource): Promise<PolicyBuild> {
    const key = this.verificationKey;
    if ('dir' in source) return readPolicyBuild(source.dir, key ? { verificationKey: key } : {});
    if (key) await checkBuildSignature(source.build, key, describeSource(source));
    return source.build;
  }

  private refuse(err: unknown, where: string): void {
    const failure = err instanceof PolicyUnavailableError ? err.failure : 'corrupt';
    const message = err instanceof Error ? err.message : String(err);
    this.logger.error(`policy engine refused ${where}: ${message}`, { failure, serving: this.current?.manifest.revision ?? null });
  }
}
