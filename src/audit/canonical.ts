import { createHash } from 'node:crypto';

/** Any surrogate code unit: only a string holding one needs the exact lone-surrogate check. */
const ANY_SURROGATE = /[\uD800-\uDFFF]/;

function hasLoneSurrogate(s: string): boolean {
  if (!ANY_SURROGATE.test(s)) return false;
  for (let i = 0; i < s.length; i += 1) {
    const unit = s.charCodeAt(i);
    if (unit >= 0xdc00 && unit <= 0xdfff) return true;
    if (unit < 0xd800 || unit > 0xdbff) continue;
    const next = s.charCodeAt(i + 1);
    if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
    i += 1;
  }
  return false;
}

function stringJson(s: string): string {
  if (hasLoneSurrogate(s)) throw new Error('Lone surrogate is not allowed');
  return JSON.stringify(s);
}

/**
 * The canonical text of `value`, exactly as the `canonicalize` package (RFC 8785) writes it and
 * with the same refusals (NaN, infinities, lone surrogates, cycles), in one walk without its
 * per-character scan of every string: the audit chain hashes two events per tool call with it.
 */
function canonical(value: unknown, seen: Set<object>): string | undefined {
  if (typeof value === 'string') return stringJson(value);
  if (typeof value === 'number') {
    if (Number.isNaN(value)) throw new Error('NaN is not allowed');
    if (!Number.isFinite(value)) throw new Error('Infinity is not allowed');
    return JSON.stringify(value);
  }
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (seen.has(value)) throw new Error('Circular reference detected');
  const withJson = value as { toJSON?: unknown };
  if (typeof withJson.toJSON === 'function') {
    seen.add(value);
    const text = canonical((withJson.toJSON as () => unknown).call(value), seen);
    seen.delete(value);
    return text;
  }
  seen.add(value);
  let text: string;
  if (Array.isArray(value)) {
    // map and join as the package does (holes and values without a JSON form come out empty).
    text = `[${value.map((item: unknown) => canonical(item === undefined || typeof item === 'symbol' ? null : item, seen)).join(',')}]`;
  } else {
    const record = value as Record<string, unknown>;
    let members = '';
    for (const key of Object.keys(record).sort()) {
      const inner = record[key];
      if (inner === undefined || typeof inner === 'symbol') continue;
      members += (members === '' ? '' : ',') + `${stringJson(key)}:${canonical(inner, seen)}`;
    }
    text = `{${members}}`;
  }
  seen.delete(value);
  return text;
}

/**
 * The canonical text of an object whose keys are known in advance, given already in sorted order
 * (the audit row's hashed columns); `known` holds values whose canonical text the caller already has.
 */
export function canonicalObjectOf(record: Record<string, unknown>, sortedKeys: readonly string[], known: Readonly<Record<string, string>> = {}): string {
  let members = '';
  for (const key of sortedKeys) {
    const inner = record[key];
    if (inner === undefined || typeof inner === 'symbol') continue;
    members += (members === '' ? '' : ',') + `${stringJson(key)}:${known[key] ?? canonical(inner, new Set())}`;
  }
  return `{${members}}`;
}

/** RFC 8785 canonical JSON (sorted keys, fixed number and string forms). */
export function canonicalJson(value: unknown): string {
  const text = canonical(value, new Set());
  if (text === undefined) throw new TypeError('value has no JSON form');
  return text;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
