import { readFile, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import YAML from 'yaml';

/** One case of OPA's evaluation suite, as its YAML file states it (see the suite's README). */
export interface RawCase {
  note: string;
  query: string;
  modules?: string[];
  data?: unknown;
  input?: unknown;
  input_term?: string;
  want_result?: Array<Record<string, unknown>>;
  want_defined?: boolean;
  want_error_code?: string;
  want_error?: string;
  sort_bindings?: boolean;
  strict_error?: boolean;
  ignore_generated_vars?: boolean;
}

/** Where a case lives: `file` is relative to the cases directory, `index` its position in the file. */
export interface CaseRef {
  file: string;
  index: number;
  note: string;
  folder: string;
}

/** Parses a case file; integers are read as bigints so none beyond 2^53 loses its exact value. */
export function parseCaseFile(text: string): RawCase[] {
  const doc = YAML.parse(text, { intAsBigInt: true }) as { cases?: RawCase[] } | null;
  return doc?.cases ?? [];
}

const cache = new Map<string, RawCase[]>();

/** The cases of one file (cached: a worker reads each file once). */
export async function loadCaseFile(casesDir: string, file: string): Promise<RawCase[]> {
  const key = join(casesDir, file);
  let cases = cache.get(key);
  if (!cases) {
    cases = parseCaseFile(await readFile(key, 'utf8'));
    cache.set(key, cases);
  }
  return cases;
}

/** The case files under `casesDir`, relative and `/`-separated, in sorted order. */
export async function listCaseFiles(casesDir: string): Promise<string[]> {
  const entries = await readdir(casesDir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => relative(casesDir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

/** Every case under `casesDir`, in file order then case order. */
export async function listCases(casesDir: string): Promise<CaseRef[]> {
  const refs: CaseRef[] = [];
  for (const file of await listCaseFiles(casesDir)) {
    const cases = await loadCaseFile(casesDir, file);
    const folder = folderOf(file);
    cases.forEach((c, index) => refs.push({ file, index, note: String(c.note), folder }));
  }
  return refs;
}

/** The feature folder a case file belongs to (its first path segment; `.` at the top). */
export function folderOf(file: string): string {
  return file.includes('/') ? file.slice(0, file.indexOf('/')) : '.';
}

export function caseId(ref: Pick<CaseRef, 'file' | 'note'>): string {
  return `${ref.file} :: ${ref.note}`;
}
