/**
 * yaml.marshal as OPA runs it: the value as JSON (encoding/json), read back by go-yaml v2 (so each
 * number becomes an int, uint64 or float64 by resolve.go's rules, and the JSON text must pass
 * libyaml's reader), then yaml.Marshal: map keys in go-yaml's natural order, each string in the
 * style encode.go's stringv asks for, floats as strconv.FormatFloat(f, 'g', -1, 64).
 */
import { fail, isObject, notExact, type JsonValue } from '../../value.js';
import { numberTextAt, OutOfRangeNumber } from '../../sets.js';
import type { EmitNode, ScalarStyle } from './emitter.js';
import { emitDocument } from './emitter.js';
import { goSortedKeys } from './key-order.js';
import { goFormatG } from './go-numbers.js';
import { goResolve, plainReadsAsString } from './resolve.js';
import { isReadable } from './reader.js';

const NAME = 'yaml.marshal';
/** Nesting beyond this stops the call (go-yaml's own limits there were not reproduced). */
const MAX_DEPTH = 1000;
/** JSON key text (escaped) from this length on stops: libyaml drops a simple key past 1024 characters. */
const MAX_KEY_JSON_CHARS = 1000;

/** base60float (encode.go): such strings are quoted for YAML 1.1 readers. */
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

function stringNode(s: string): EmitNode & { kind: 'scalar' } {
  checkString(s);
  const canUsePlain = plainReadsAsString(s, NAME) && !BASE60_FLOAT.test(s);
  const style: ScalarStyle = s.includes('\n') ? 'literal' : canUsePlain ? 'plain' : 'double';
  return { kind: 'scalar', value: s, style };
}

/**
 * What the JSON text of a string turns into when libyaml reads it back: the same string, unless it
 * holds a character encoding/json writes as it is (all but those below U+0020) and the reader
 * refuses (U+007F, C1 controls, U+FFFE/U+FFFF: an error), or U+0085, which a double-quoted scalar
 * folds as a line break (not reproduced: the call stops).
 */
function checkString(s: string): void {
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x20 && !isReadable(c)) fail(`${NAME}: yaml: control characters are not allowed`);
  }
  if (s.includes('\u0085')) notExact(NAME, 'a string holding U+0085 (NEL)');
}

/** The number of characters encoding/json writes for a string between its quotes. */
function jsonEscapedLength(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c === 0x22 || c === 0x5c || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x08 || c === 0x0c) n += 2;
    else if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) n += 6;
    else n += 1;
  }
  return n;
}

/** A number's JSON text, as go-yaml resolves it and then writes it. */
function numberNode(text: string): EmitNode {
  const r = goResolve('', text, NAME);
  if (r.kind === 'int') return { kind: 'scalar', value: r.value.toString(), style: 'plain' };
  if (r.kind === 'float') return { kind: 'scalar', value: goFormatG(r.value), style: 'plain' };
  return notExact(NAME, `the number ${text}`);
}

/**
 * OPA's text of a number (json.Number): its source text when the value crossed with one, else the
 * integer or shortest float text. `known` is false for a top-level number, whose text did not cross.
 */
function numberText(value: number | bigint, text: string | undefined, known: boolean): string {
  if (text !== undefined) return text;
  if (typeof value === 'bigint') return value.toString();
  // A top-level integral number from 1e6 up to 64-bit integers may have been written "1e6" (a float:
  // "1e+06") or "1000000" (an int): the text did not cross, so the call stops. Past 2^64 both
  // spellings are floats to go-yaml.
  if (!known && Number.isInteger(value) && Math.abs(value) >= 1e6 && Math.abs(value) <= 2 ** 64) notExact(NAME, `the number ${value} given directly (its text is not known)`);
  return String(value);
}

function toNode(value: unknown, text: string | undefined, known: boolean, depth: number): EmitNode {
  if (depth > MAX_DEPTH) notExact(NAME, `a value nested more than ${MAX_DEPTH} deep`);
  if (value === null) return { kind: 'scalar', value: 'null', style: 'plain' };
  if (typeof value === 'boolean') return { kind: 'scalar', value: String(value), style: 'plain' };
  if (typeof value === 'number' || typeof value === 'bigint') return numberNode(numberText(value, text, known));
  if (typeof value === 'string') return stringNode(value);
  if (value instanceof OutOfRangeNumber) return notExact(NAME, 'a number beyond float64');
  if (Array.isArray(value)) return { kind: 'seq', items: value.map((item, i) => toNode(item, numberTextAt(value, i), true, depth + 1)) };
  if (isObject(value)) {
    const keys = goSortedKeys(Object.keys(value));
    for (const key of keys) if (jsonEscapedLength(key) >= MAX_KEY_JSON_CHARS) notExact(NAME, `an object key of ${MAX_KEY_JSON_CHARS} or more JSON characters`);
    return { kind: 'map', entries: keys.map((k) => [stringNode(k), toNode(value[k], numberTextAt(value, k), true, depth + 1)]) };
  }
  return fail('yaml.marshal: operand 1 is not a JSON value');
}

export function yamlMarshal(value: unknown): string {
  return emitDocument(toNode(value as JsonValue, undefined, false, 0));
}
