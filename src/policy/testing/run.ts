import { stat } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CompileError, parseModule } from '../compiler/parser/index.js';
import type { Module } from '../compiler/ast/index.js';
import { compilePolicy } from '../compiler/index.js';
import { sha256Hex } from '../build/layout.js';
import { type PolicySource, readPolicySources, sourcesRevision } from '../build/sources.js';
import { PolicyEngine } from '../engine/engine.js';
import type { PolicyLogger } from '../engine/log.js';
import { type DiscoveredTest, discoverTests } from './discover.js';
import { prepareTestModules } from './compile-stage.js';
import { renameDuplicateTests } from './duplicate-tests.js';
import { caseLeaves, caseResults } from './parametrised.js';
import type { TestReport, TestResult } from './result.js';
import { TestInsight } from './insight.js';

export interface RunTestsOptions {
  /** Files or directories holding policies and their `*_test.rego` files. */
  paths: readonly string[];
  /** Only tests whose full name (`data.pkg.test_x`) matches. */
  run?: RegExp;
  /** Report line coverage (evaluated again by the TypeScript evaluator). */
  coverage?: boolean;
  /** A failing test shows its failing expression with the values of its variables. */
  varValues?: boolean;
  /** Time each passing test over repeated evaluations. */
  bench?: boolean;
  /**
   * The time limit in milliseconds for running the tests, counted once the module is built (regoc
   * takes seconds where OPA's compile takes milliseconds); tests not started by then are errors. It
   * is checked before each test and each bench: a test already evaluating in the module finishes.
   */
  timeoutMs?: number;
}

const quiet: PolicyLogger = { error: () => undefined, info: () => undefined };

async function readPath(path: string): Promise<PolicySource[]> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new Error(`${path}: no such file or directory`);
  if (info.isDirectory()) return readPolicySources(path, { includeTests: true });
  return [{ path: `${basename(dirname(path))}/${basename(path)}`, text: await readFile(path, 'utf8') }];
}

async function readAll(paths: readonly string[]): Promise<PolicySource[]> {
  const byPath = new Map<string, PolicySource>();
  for (const path of paths) for (const source of await readPath(path)) byPath.set(source.path, source);
  return [...byPath.values()];
}

function describe(err: unknown): string {
  if (err instanceof CompileError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

const BENCH_MS = 200;

/** Repeats a passing test for about BENCH_MS (at least 10 times): the mean time of one evaluation. */
function benchTest(engine: PolicyEngine, test: DiscoveredTest): { iterations: number; nsPerOp: number } {
  const started = performance.now();
  let iterations = 0;
  while (iterations < 10 || performance.now() - started < BENCH_MS) {
    engine.query(test.entrypoint);
    iterations++;
  }
  return { iterations, nsPerOp: Math.round(((performance.now() - started) * 1e6) / iterations) };
}

function timedOut(test: DiscoveredTest): TestResult {
  return { ...test, outcome: 'ERROR', durationNs: 0, error: 'test run timed out' };
}

function evaluateTest(engine: PolicyEngine, test: DiscoveredTest): TestResult {
  const started = performance.now();
  try {
    const rows = engine.query(test.entrypoint);
    if (test.casesEntrypoint) return parametrisedResult(engine, test, rows[0]?.result, started);
    const durationNs = Math.round((performance.now() - started) * 1e6);
    const passed = rows.length > 0 && rows[0]!.result !== false;
    return { ...test, outcome: passed ? 'PASS' : 'FAIL', durationNs };
  } catch (err) {
    const durationNs = Math.round((performance.now() - started) * 1e6);
    return { ...test, outcome: 'ERROR', durationNs, error: describe(err) };
  }
}

/** A parametrised test fails when any case does (one attempted and missing, or not true), or when it is undefined. */
function parametrisedResult(engine: PolicyEngine, test: DiscoveredTest, value: unknown, started: number): TestResult {
  const attempted = engine.query(test.casesEntrypoint!)[0]?.result;
  const durationNs = Math.round((performance.now() - started) * 1e6);
  const subResults = caseResults(value, Array.isArray(attempted) ? attempted : []);
  const failed = value === undefined || caseLeaves(subResults).some((leaf) => leaf.fail);
  return { ...test, outcome: failed ? 'FAIL' : 'PASS', durationNs, subResults };
}

function skipped(test: DiscoveredTest): TestResult {
  return { ...test, outcome: 'SKIPPED', durationNs: 0 };
}

/**
 * `opa test` for the project's compiler: parses every file, finds the test rules, compiles policies
 * and tests into one module with one entrypoint per test, and evaluates each entrypoint. A test
 * passes when its rule is defined and not false. `with input as` / `with data.x as` inside tests
 * are ordinary Rego, handled by the compiler.
 */
export async function runPolicyTests(options: RunTestsOptions): Promise<TestReport> {
  const sources = await readAll(options.paths);
  let modules: Module[];
  try {
    modules = sources.map((s) => parseModule(s.text, s.path));
    renameDuplicateTests(modules);
  } catch (err) {
    return { results: [], errors: [describe(err)], compileMs: 0 };
  }
  const wanted = (t: DiscoveredTest): boolean => !options.run || options.run.test(`${t.package}.${t.name}`);
  const tests = discoverTests(modules).filter(wanted);
  const runnable = tests.filter((t) => !t.skip);
  if (runnable.length === 0) return { results: tests.map(skipped), errors: [], compileMs: 0 };
  const compileStarted = performance.now();
  let engine: PolicyEngine;
  try {
    const entrypoints = runnable.flatMap((t) => (t.casesEntrypoint ? [t.entrypoint, t.casesEntrypoint] : [t.entrypoint]));
    const compiled = await compilePolicy(sources, { entrypoints, optimize: false, rewriteModules: prepareTestModules });
    const manifest = { ...compiled.manifest, revision: sourcesRevision(sources), wasm_sha256: sha256Hex(compiled.wasm) };
    engine = await PolicyEngine.open({ build: { wasm: compiled.wasm, manifest } }, { logger: quiet });
  } catch (err) {
    return { results: [], errors: [describe(err)], compileMs: performance.now() - compileStarted };
  }
  const compileMs = performance.now() - compileStarted;
  const deadline = options.timeoutMs === undefined ? undefined : performance.now() + options.timeoutMs;
  const late = (): boolean => deadline !== undefined && performance.now() > deadline;
  const results = tests.map((t) => (t.skip ? skipped(t) : late() ? timedOut(t) : evaluateTest(engine, t)));
  if (options.bench) {
    for (const r of results) if (r.outcome === 'PASS' && !late()) r.bench = benchTest(engine, r);
  }
  if (!options.coverage && !(options.varValues && results.some((r) => r.outcome === 'FAIL'))) return { results, errors: [], compileMs };
  const insight = new TestInsight(sources, runnable);
  if (options.varValues) {
    for (const r of results) if (r.outcome === 'FAIL') { const f = insight.failure(r); if (f) r.failure = f; }
  }
  const report: TestReport = { results, errors: [], compileMs };
  if (options.coverage) report.coverage = insight.coverage(runnable, deadline);
  return report;
}
