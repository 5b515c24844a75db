/**
 * The TypeScript evaluator ("topdown", after OPA's interpreter): runs the plan the compiler makes
 * for the module, and gives what a wasm module cannot: traces, coverage and variable values.
 */
export { Interpreter, EvaluationError, type TraceEvent, type Tracer, type EvalOptions } from './interpreter.js';
export { preparePolicy, type PreparedPolicy, type PrepareOptions } from './program.js';
export { CoverageCollector, coverageReport, thresholdMessage, type CoverageReport, type FileCoverage } from './coverage.js';
export { TraceRecorder, formatTrace, formatFailure, lastFailure, regoText, withSourceNames, type ExplainMode } from './explain.js';
export { dumpJson, parseJson, fromJs, toJs } from './json.js';
export { Num, Obj, RSet, type Value } from './value.js';
export { explainDecision, decisionExplainer, type MatchedRule } from './decision.js';
