/**
 * The text OPA hashes for a structured (JSON) file of a signed bundle: objects with their keys in
 * sorted order, no whitespace, strings escaped as Go's encoder does without HTML escaping. Hashing
 * this instead of the bytes makes a signature independent of layout, as in OPA (bundle/hash.go).
 * Numbers are written as JavaScript writes them (OPA keeps their source text; build manifests
 * hold none).
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return goString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => compareUtf8(a, b));
    return `{${entries.map(([k, v]) => `${goString(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new TypeError(`no JSON form for a ${typeof value}`);
}

/** Go sorts keys by their UTF-8 bytes; UTF-16 order differs only above the BMP, so compare bytes. */
function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function goString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const short = SHORT_ESCAPES[ch];
    const code = ch.codePointAt(0)!;
    if (short) out += short;
    else if (code < 0x20 || code === 0x2028 || code === 0x2029) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}
