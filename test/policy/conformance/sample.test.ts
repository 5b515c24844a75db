import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { PACKAGE_ROOT } from '../../../src/paths.js';
import {
  type CaseOutcome,
  type CaseRef,
  caseId,
  folderOf,
  loadCaseFile,
  readWasmSkips,
  runPool,
  sampleByFolder,
} from '../../../src/policy/conformance/index.js';

/**
 * The quick conformance check of `npm test`: for every feature folder of OPA's evaluation cases,
 * the first case in sorted (file, index) order that is neither one of OPA's wasm skips
 * (WASM_SKIPS.md) nor a known refusal must pass; the known refusals must stay clean compile-time
 * refusals located at file:line:col. The folders are read from the case directory, so a new folder
 * is covered without editing this file. The whole set runs with `npm run conformance`
 * (docs/CONFORMANCE.md).
 *
 * Wall time (`time npx mocha` on this file, 2026-12-03, 2-core machine, 2 worker processes): 36 s
 * for 137 folders (135 sampled cases plus the 4 refusals known then) at a load average of 2-5, 86 s
 * at a load of 11-13 (other helpers' test runs); since rego.parse_module answers, 136 sampled cases
 * and the 2 `http.send` refusals.
 */

/** Where CI and developers find OPA's cases (read in place, never copied into the repository). */
const CASES_DIR = resolve(PACKAGE_ROOT, '..', 'shared', 'conformance', 'opa-v1');

/**
 * Cases the compiler refuses on purpose (docs/CONFORMANCE.md, "Why cases fail"): `http.send` needs the
 * network, which this build does not allow.
 */
const KNOWN_REFUSALS: { file: string; note: string; builtin: string }[] = [
  { file: 'invalidkeyerror/test-invalidkeyerror-0176.yaml', note: 'invalidkeyerror/invalid keys', builtin: 'http.send' },
  { file: 'invalidkeyerror/test-invalidkeyerror-0177.yaml', note: 'invalidkeyerror/missing keys', builtin: 'http.send' },
];

const WORKERS = 2;
const CASE_TIMEOUT_MS = 60_000;

const present = existsSync(CASES_DIR);

async function refusalRef(file: string, note: string): Promise<CaseRef | undefined> {
  const index = (await loadCaseFile(CASES_DIR, file).catch(() => [])).findIndex((c) => c.note === note);
  return index < 0 ? undefined : { file, index, note, folder: folderOf(file) };
}

const skips = present ? await readWasmSkips(CASES_DIR) : new Map<string, string>();
const refusalIds = new Set(KNOWN_REFUSALS.map(caseId));
const samples = present ? await sampleByFolder(CASES_DIR, (ref) => skips.has(caseId(ref)) || refusalIds.has(caseId(ref))) : [];
const refusals = present ? await Promise.all(KNOWN_REFUSALS.map(async (r) => ({ ...r, ref: await refusalRef(r.file, r.note) }))) : [];

describe('conformance sample (one OPA evaluation case per folder through regoc and the SDK)', function () {
  this.timeout(600_000);
  it('finds the case directory', () => {
    if (!present) {
      throw new Error(`OPA's conformance cases are missing: expected them at ${CASES_DIR} (../shared/conformance/opa-v1 beside the package root, see docs/CONFORMANCE.md)`);
    }
  });
  if (!present) return;

  const outcomes = new Map<string, CaseOutcome>();

  before(async () => {
    const refs = [...samples.flatMap((s) => (s.ref ? [s.ref] : [])), ...refusals.flatMap((r) => (r.ref ? [r.ref] : []))];
    const results = await runPool(refs, { casesDir: CASES_DIR, workers: WORKERS, caseTimeoutMs: CASE_TIMEOUT_MS });
    for (const [ref, outcome] of results) outcomes.set(caseId(ref), outcome);
  });

  it('has a case to run in every folder except those holding only known refusals and wasm skips', () => {
    const unsampled = samples.filter((s) => !s.ref).map((s) => s.folder);
    const refusalFolders = new Set(KNOWN_REFUSALS.map((r) => folderOf(r.file)));
    expect(unsampled.filter((f) => !refusalFolders.has(f)), 'folders with nothing to sample').to.deep.equal([]);
    expect(samples.length, 'folders found').to.be.greaterThan(100);
  });

  for (const { folder, ref } of samples) {
    if (!ref) continue;
    it(`${folder}: passes ${caseId(ref)}`, () => {
      const outcome = outcomes.get(caseId(ref));
      expect(outcome, 'case did not run').to.not.equal(undefined);
      expect(outcome!.reason ?? '').to.equal('');
      expect(outcome!.status).to.equal('passed');
    });
  }

  for (const { file, note, builtin, ref } of refusals) {
    it(`refuses ${file} :: ${note} at compile time at file:line:col (${builtin})`, () => {
      expect(ref, `case not found: ${file} :: ${note}`).to.not.equal(undefined);
      const outcome = outcomes.get(caseId(ref!));
      expect(outcome?.status).to.equal('failed');
      expect(outcome?.failure).to.equal('refused');
      expect(outcome?.reason ?? '').to.match(/^compile error: module\d+\.rego:\d+:\d+: /);
      expect(outcome?.reason ?? '').to.include(`built-in ${builtin}`);
    });
  }
});
