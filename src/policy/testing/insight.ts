/**
 * What the wasm module cannot tell about a test run, from the TypeScript evaluator running the same
 * plan: line coverage over every test, and for a failing test the expression that failed with the
 * values of its variables (`opa test --coverage` / `--var-values`).
 */
import type { PolicySource } from '../build/sources.js';
import {
  CoverageCollector, EvaluationError, Obj, TraceRecorder, coverageReport, formatFailure, lastFailure, preparePolicy,
  type CoverageReport, type PreparedPolicy,
} from '../topdown/index.js';
import type { DiscoveredTest } from './discover.js';
import { prepareTestModules } from './compile-stage.js';

export class TestInsight {
  private readonly prepared: PreparedPolicy;
  private readonly lines = new Map<string, string[]>();

  constructor(sources: PolicySource[], tests: readonly DiscoveredTest[]) {
    this.prepared = preparePolicy(sources, { entrypoints: tests.map((t) => t.entrypoint), rewriteModules: prepareTestModules });
    for (const s of sources) this.lines.set(s.path, s.text.split('\n'));
  }

  /** Evaluates every test with a coverage collector (errors count as evaluated up to where they stopped). */
  coverage(tests: readonly DiscoveredTest[], deadline?: number): CoverageReport {
    const collector = new CoverageCollector();
    for (const t of tests) {
      try {
        this.prepared.interpreter.evaluate(t.entrypoint, undefined, new Obj(), { tracer: collector, ...(deadline !== undefined ? { deadline } : {}) });
      } catch (err) {
        if (!(err instanceof EvaluationError)) throw err;
      }
    }
    return coverageReport(collector, this.prepared.coverable);
  }

  /** The failing expression of a failed test with its variables' values, or undefined. */
  failure(test: DiscoveredTest): string | undefined {
    const recorder = new TraceRecorder();
    try {
      this.prepared.interpreter.evaluate(test.entrypoint, undefined, new Obj(), { tracer: recorder });
    } catch (err) {
      if (!(err instanceof EvaluationError)) throw err;
    }
    const fail = lastFailure(recorder.events);
    return fail ? formatFailure(fail, this.prepared.sourceNames, '  ', (file, line) => this.lines.get(file)?.[line - 1]) : undefined;
  }
}
