/** The Rego unit test runner (`agent-gateway policy test`), like `opa test` for the project's compiler. */
export { runPolicyTests, type RunTestsOptions } from './run.js';
export { discoverTests, type DiscoveredTest } from './discover.js';
export { type TestOutcome, type TestReport, type TestResult, countOutcomes, reportPassed } from './result.js';
export { formatCoverage, formatJson, formatPretty } from './format.js';
export { thresholdMessage } from '../topdown/index.js';
