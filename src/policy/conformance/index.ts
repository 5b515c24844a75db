/** OPA's evaluation cases run through the project's compiler and the SDK (`npm run conformance`). */
export { listCaseFiles, listCases, loadCaseFile, parseCaseFile, caseId, folderOf, type CaseRef, type RawCase } from './cases.js';
export { sampleByFolder, type FolderSample } from './sample.js';
export { readWasmSkips } from './skips.js';
export { runCase, type CaseOutcome, type CaseStatus, type FailureKind } from './run-case.js';
export { runPool, type PoolOptions } from './pool.js';
export { summarise, folderTable, failureLine, summaryLine, type ConformanceSummary, type FolderRow } from './report.js';
