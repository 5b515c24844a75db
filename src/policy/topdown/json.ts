/**
 * JSON text <-> evaluator values, byte for byte as the module's runtime (compiler/wasm/assembly/json.ts)
 * reads and writes it: numbers keep their source text, object keys are written sorted, a non-string
 * key as its JSON text inside a string. In host mode (values crossing to a host built-in) a set is
 * written as {"\u0000set": [...]} and a string key starting with NUL gets one more NUL in front.
 */
import { Num, Obj, RSet, plainInteger, type Value } from './value.js';
import { computedNumberText } from '../builtins/value.js';

const SET_KEY = '\u0000set';
const NON_STRING_KEY = '\u0000k';

export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
}

class Parser {
  private pos = 0;

  constructor(private readonly text: string, private readonly hostMode: boolean) {}

  parse(): Value {
    const v = this.value(0);
    this.ws();
    if (this.pos !== this.text.length) throw new JsonSyntaxError('trailing characters');
    return v;
  }

  private ws(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos]!)) this.pos++;
  }

  private value(depth: number): Value {
    this.ws();
    if (depth > 10000 || this.pos >= this.text.length) throw new JsonSyntaxError('unexpected end');
    const c = this.text[this.pos]!;
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    return this.number();
  }

  private object(depth: number): Value {
    this.pos++;
    const o = new Obj();
    this.ws();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return o;
    }
    for (;;) {
      this.ws();
      if (this.text[this.pos] !== '"') throw new JsonSyntaxError('expected a key');
      let key = this.string();
      this.ws();
      if (this.text[this.pos] !== ':') throw new JsonSyntaxError('expected :');
      this.pos++;
      const v = this.value(depth + 1);
      if (this.hostMode && key.startsWith('\u0000')) {
        if (key === SET_KEY && o.size === 0 && Array.isArray(v)) {
          this.ws();
          if (this.text[this.pos] !== '}') throw new JsonSyntaxError('set marker with other keys');
          this.pos++;
          const s = new RSet();
          for (const x of v) s.add(x);
          return s;
        }
        if (key.startsWith(NON_STRING_KEY)) {
          // A key that is not a string, handed back as the module wrote it (see dump).
          o.put(new Parser(key.slice(NON_STRING_KEY.length), true).parse(), v);
          this.ws();
          const sep = this.text[this.pos++];
          if (sep === ',') continue;
          if (sep === '}') return o;
          throw new JsonSyntaxError('expected , or }');
        }
        key = key.slice(1);
      }
      o.put(key, v);
      this.ws();
      const sep = this.text[this.pos++];
      if (sep === ',') continue;
      if (sep === '}') return o;
      throw new JsonSyntaxError('expected , or }');
    }
  }

  private array(depth: number): Value {
    this.pos++;
    const a: Value[] = [];
    this.ws();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return a;
    }
    for (;;) {
      a.push(this.value(depth + 1));
      this.ws();
      const sep = this.text[this.pos++];
      if (sep === ',') continue;
      if (sep === ']') return a;
      throw new JsonSyntaxError('expected , or ]');
    }
  }

  private string(): string {
    const m = /^"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/.exec(this.text.slice(this.pos));
    if (!m) throw new JsonSyntaxError('bad string');
    this.pos += m[0].length;
    return JSON.parse(m[0]) as string;
  }

  private number(): Value {
    // Sticky, so a number of any length (a 2048-bit RSA modulus from a host built-in) is read whole.
    const re = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m) throw new JsonSyntaxError('bad value');
    this.pos += m[0].length;
    return Num.fromText(m[0]);
  }
}

export function parseJson(text: string, hostMode = false): Value {
  return new Parser(text, hostMode).parse();
}

/** A plain JS value (as JSON would carry it) -> a value, through its JSON text as the SDK does. */
export function fromJs(value: unknown): Value | undefined {
  if (value === undefined) return undefined;
  return parseJson(JSON.stringify(value));
}

function escapeString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (c >= 32) out += ch;
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else out += `\\u00${c.toString(16).padStart(2, '0')}`;
  }
  return out + '"';
}

/** The runtime's float text (compiler/wasm/assembly/numfmt.ts), as OPA writes a computed number. */
export function formatFloat(f: number): string {
  return computedNumberText(f);
}

/**
 * Host mode, as the module writes numbers for a host built-in (compiler/wasm/assembly/json.ts
 * dumpHostNumber): an integer beyond 2^53, and any number whose text is not a plain integer that
 * float64 holds, as {"\u0000num": "<text>"}.
 */
function hostNumberText(n: Num): string {
  const text = numberText(n);
  const marked = n.int !== undefined
    ? n.int > 9007199254740992n || n.int < -9007199254740992n
    : n.text !== undefined && !(Math.abs(n.f) < 9007199254740992 && plainInteger(n.text));
  return marked ? `{"\\u0000num":"${text}"}` : text;
}

export function numberText(n: Num): string {
  if (n.int !== undefined) return n.int.toString();
  return n.text ?? formatFloat(n.f);
}

function dump(v: Value, hostMode: boolean, inKey: boolean): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Num) return hostMode ? hostNumberText(v) : numberText(v);
  if (typeof v === 'string') return escapeString(v);
  if (Array.isArray(v)) return `[${v.map((x) => dump(x, hostMode, inKey)).join(',')}]`;
  if (v instanceof RSet) {
    const items = `[${v.items.map((x) => dump(x, hostMode, inKey)).join(',')}]`;
    return hostMode ? `{"\\u0000set":${items}}` : items;
  }
  const parts: string[] = [];
  for (let i = 0; i < v.size; i++) {
    const k = v.keys[i]!;
    let keyText: string;
    if (typeof k === 'string') keyText = hostMode && k.startsWith('\u0000') ? `"\\u0000${escapeString(k).slice(1)}` : escapeString(k);
    else if (inKey) keyText = `"${dump(k, hostMode, true)}"`;
    else keyText = `"${hostMode ? '\\u0000k' : ''}${dump(k, hostMode, true).replace(/["\\]/g, (c) => `\\${c}`)}"`;
    parts.push(`${keyText}:${dump(v.vals[i]!, hostMode, inKey)}`);
  }
  return `{${parts.join(',')}}`;
}

/** The value's JSON text as the module dumps it; `undefined` dumps as null, as the runtime does. */
export function dumpJson(v: Value | undefined, hostMode = false): string {
  return v === undefined ? 'null' : dump(v, hostMode, false);
}

/** A value as plain JS (what the SDK hands back after JSON.parse of the module's dump). */
export function toJs(v: Value | undefined): unknown {
  return JSON.parse(dumpJson(v));
}
