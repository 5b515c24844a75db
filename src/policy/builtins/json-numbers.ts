/**
 * json.unmarshal as OPA reads JSON (util.UnmarshalJSON with UseNumber): every number keeps the text
 * it was written with, so "1.0" stays 1.0 (not an int, and printed 1.0), "1.50" stays 1.50 and
 * 12345678901234567890 stays exact, where JSON.parse would give the nearest float64.
 */
import { NumberText, notExact } from './value.js';

// A string, or a number as JSON writes one; numbers inside strings are matched as strings first.
const TOKENS = /"(?:[^"\\]|\\.)*"|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
const MARK = '\u0000n';

function numberOf(text: string): number | bigint | NumberText {
  if (!/^-?\d+$/.test(text) || text.startsWith('-0')) return new NumberText(text);
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

/** JSON.parse keeping each number's text; throws a SyntaxError for what JSON.parse rejects. */
export function parseJsonKeepingNumbers(text: string): unknown {
  // A string written with \u0000 could pass for a marked number: the plain parse, whose floats are
  // exact only when no number needs its text.
  if (/\\u0000/i.test(text)) {
    const value = JSON.parse(text) as unknown;
    const numbers = text.match(TOKENS)?.filter((t) => !t.startsWith('"')) ?? [];
    if (numbers.some((t) => !(typeof numberOf(t) === 'number'))) notExact('json.unmarshal', 'a text holding both \\u0000 and a number that is not a safe integer');
    return value;
  }
  const marked = text.replace(TOKENS, (t) => (t.startsWith('"') ? t : `"\\u0000n${t}"`));
  return JSON.parse(marked, function revive(this: unknown, key: string, value: unknown) {
    // A number in a key's place ({1: 2}) is not JSON, though its marked form would parse.
    if (key.startsWith(MARK)) throw new SyntaxError('object keys must be strings');
    return typeof value === 'string' && value.startsWith(MARK) ? numberOf(value.slice(MARK.length)) : value;
  });
}
