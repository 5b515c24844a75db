import { narrowIntegers } from './exact-json.js';

/** JSON text with object keys sorted, so equal values have equal text. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

export interface CompareOptions {
  sortBindings: boolean;
  ignoreGeneratedVars: boolean;
}

function normaliseRow(row: Record<string, unknown>, options: CompareOptions): string {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(row)) {
    if (options.ignoreGeneratedVars && name.startsWith('__localq')) continue;
    out[name] = options.sortBindings && Array.isArray(value) ? [...value].sort((a, b) => cmp(canonical(a), canonical(b))) : value;
  }
  return canonical(out);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The rows as a set of canonical texts (row order and duplicates do not matter, as in OPA's runner). */
export function rowSet(rows: readonly Record<string, unknown>[], options: CompareOptions): string[] {
  return [...new Set(rows.map((r) => normaliseRow(narrowIntegers(r) as Record<string, unknown>, options)))].sort();
}

/** Undefined when the result sets are equal, else a short description of the difference. */
export function diffResults(
  got: readonly Record<string, unknown>[],
  want: readonly Record<string, unknown>[],
  options: CompareOptions,
): string | undefined {
  const g = rowSet(got, options);
  const w = rowSet(want, options);
  if (g.length === w.length && g.every((x, i) => x === w[i])) return undefined;
  return `got ${clip(`[${g.join(',')}]`)}, want ${clip(`[${w.join(',')}]`)}`;
}

function clip(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}
