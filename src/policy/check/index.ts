/** `policy check`: the compiler's errors and OPA's strict-mode errors for a set of policy files. */
export { checkPolicies, type CheckOptions, type CheckSource } from './check.js';
export { strictDiagnostics, v1Diagnostics } from './strict.js';
export { typeDiagnostics } from './types/type-check.js';
export { sourceNames } from './types/source-names.js';
export { moduleDiagnostics } from './module-checks.js';
export { jsonReport, prettyReport, type ArgumentDetails, type UnificationDetails, type CheckDiagnostic, type CheckReport } from './report.js';
export { readRegoFiles, type RegoFile } from './rego-files.js';
