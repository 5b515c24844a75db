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
import type { TestReport, TestResult } from './result.js';

export interface RunTestsOptions {
  /** Files or directories holding policies and their `*_test.rego` files. */
  paths: readonly string[];
  /** Only tests whose full name (`data.pkg.test_x`) matches. */
  run?: RegExp;
}

const quiet: PolicyLogger = { error: () => undefined, info: () => undefined };

async function readPath(path: string): Promise<PolicySource[]> {
  if ((await stat(path)).isDirectory()) return readPolicySources(path, { includeTests: true });
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

function evaluateTest(engine: PolicyEngine, test: DiscoveredTest): TestResult {
  const started = performance.now();
  try {
    const rows = engine.query(test.entrypoint);
    const durationNs = Math.round((performance.now() - started) * 1e6);
    const passed = rows.length > 0 && rows[0]!.result !== false;
    return { ...test, outcome: passed ? 'PASS' : 'FAIL', durationNs };
  } catch (err) {
    const durationNs = Math.round((performance.now() - started) * 1e6);
    return { ...test, outcome: 'ERROR', durationNs, error: describe(err) };
  }
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
    const compiled = await compilePolicy(sources, { entrypoints: runnable.map((t) => t.entrypoint), optimize: false });
    const manifest = { ...compiled.manifest, revision: sourcesRevision(sources), wasm_sha256: sha256Hex(compiled.wasm) };
    engine = await PolicyEngine.open({ build: { wasm: compiled.wasm, manifest } }, { logger: quiet });
  } catch (err) {
    return { results: [], errors: [describe(err)], compileMs: performance.now() - compileStarted };
  }
  const compileMs = performance.now() - compileStarted;
  const results = tests.map((t) => (t.skip ? skipped(t) : evaluateTest(engine, t)));
  return { results, errors: [], compileMs };
}
