import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { POLICIES_DIR } from '../../../src/paths.js';
import { parseModule } from '../../../src/policy/compiler/parser/index.js';
import { listCases, loadCaseFile } from '../../../src/policy/conformance/cases.js';

/** The parsed module without positions: formatting may move code, never change it. */
export function moduleShape(text: string): string {
  // A rule head's `=` and `:=` mean the same (the formatter writes `:=`, as OPA's does for Rego v1).
  const strip = (x: unknown) => JSON.stringify(x, (k, v: unknown) => (k === 'loc' || k === 'file' || k === 'assign' ? undefined : v));
  const module = parseModule(text, 'x.rego');
  // Imports are sorted by the formatter; their order has no meaning.
  return strip({ ...module, imports: module.imports.map(strip).sort() });
}

/** The comments of a text, sorted (a `#` inside a string excluded). */
export function commentsOf(text: string): string[] {
  return [...text.matchAll(/#[^\n]*/g)].map((m) => m[0].trimEnd()).filter((c) => !c.startsWith('#"')).sort();
}

export const OPA_CASES_DIR = join(POLICIES_DIR, '..', '..', 'shared', 'conformance', 'opa-v1');

/** Every module of OPA's evaluation cases fmt formats (those importing future.keywords.and|or|not are refused). */
export async function opaCaseModules(): Promise<string[]> {
  if (!existsSync(OPA_CASES_DIR)) throw new Error(`OPA's conformance cases are missing: expected them at ${OPA_CASES_DIR}`);
  const modules: string[] = [];
  const files = [...new Set((await listCases(OPA_CASES_DIR)).map((r) => r.file))];
  for (const file of files) {
    for (const c of await loadCaseFile(OPA_CASES_DIR, file)) {
      for (const m of c.modules ?? []) if (!/future\.keywords\.(and|or|not)\b/.test(m)) modules.push(m);
    }
  }
  return modules;
}
