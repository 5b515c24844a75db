/** `policy fmt`: the canonical layout of Rego files (see format.ts) and a unified diff for --diff. */
export { formatRego } from './format.js';
export { unifiedDiff } from './diff.js';
