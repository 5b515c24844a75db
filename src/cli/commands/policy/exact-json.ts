/**
 * JSON output that keeps each number's text as the evaluator holds it (OPA prints a number by its
 * text: 1e308 * 10 is a 1 with 308 zeros, 10 / 11 is 0.90909090909090909093, input 1.0 stays 1.0),
 * where JSON.parse / JSON.stringify would turn them into float64 (null, 0.9090909090909091, 1).
 */
import { Obj, dumpJson, type RSet, type Value } from '../../../policy/topdown/index.js';

/** A value already written as compact JSON text; printed as it is. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** A value of the evaluator as its exact JSON text. */
export function rawJson(v: Value): RawJson {
  return new RawJson(dumpJson(v));
}

/** The query's rows (binding name -> value), each value kept as its exact JSON text. */
export function exactRows(result: RSet): Array<Record<string, unknown>> {
  return result.items.map((row) => {
    const out: Record<string, unknown> = {};
    if (!(row instanceof Obj)) return out;
    row.keys.forEach((k, i) => { out[typeof k === 'string' ? k : dumpJson(k)] = rawJson(row.vals[i]!); });
    return out;
  });
}

function compact(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(compact).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${compact(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Compact JSON text indented as JSON.stringify(value, null, 2) would indent it. */
function indent(text: string): string {
  let out = '';
  let depth = 0;
  const newline = (): string => `\n${'  '.repeat(depth)}`;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      if (text[i + 1] === close) {
        out += c + close;
        i++;
        continue;
      }
      depth++;
      out += c + newline();
    } else if (c === '}' || c === ']') {
      depth--;
      out += newline() + c;
    } else if (c === ',') out += ',' + newline();
    else if (c === ':') out += ': ';
    else out += c;
  }
  return out;
}

/** Like JSON.stringify(value, null, 2), with RawJson members written as their text. */
export function stringifyExact(value: unknown): string {
  return indent(compact(value));
}
