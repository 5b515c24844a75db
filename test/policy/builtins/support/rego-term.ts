/**
 * A small parser for constant Rego terms (strings, raw strings, numbers, booleans, null, arrays,
 * objects, sets), used only to harvest built-in expectations from OPA's conformance YAML at test
 * time. Sets become sorted arrays, as they cross the SDK. Anything else (refs, variables, calls)
 * makes it throw, so such cases are simply not harvested.
 */
import { compareValues, toSet, type JsonValue } from '../../../../src/policy/builtins/value.js';

export class NotConstant extends Error {}

export type Constants = ReadonlyMap<string, JsonValue>;

const NO_CONSTANTS: Constants = new Map();

export function parseRegoTerm(text: string, constants: Constants = NO_CONSTANTS): JsonValue {
  const parser = new TermParser(text, constants);
  const value = parser.term();
  parser.end();
  return value;
}

/** Parses a comma-separated argument list (without the parentheses). */
export function parseRegoArgs(text: string, constants: Constants = NO_CONSTANTS): JsonValue[] {
  const parser = new TermParser(text, constants);
  const args: JsonValue[] = [];
  parser.skip();
  while (!parser.atEnd()) {
    args.push(parser.term());
    parser.skip();
    if (parser.atEnd()) break;
    parser.expect(',');
  }
  return args;
}

class TermParser {
  private pos = 0;
  constructor(
    private readonly src: string,
    private readonly constants: Constants,
  ) {}

  atEnd(): boolean {
    this.skip();
    return this.pos >= this.src.length;
  }

  end(): void {
    if (!this.atEnd()) throw new NotConstant(`trailing text at ${this.pos}`);
  }

  skip(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos]!)) this.pos++;
  }

  expect(c: string): void {
    this.skip();
    if (this.src[this.pos] !== c) throw new NotConstant(`expected ${c} at ${this.pos}`);
    this.pos++;
  }

  private peek(): string | undefined {
    this.skip();
    return this.src[this.pos];
  }

  term(): JsonValue {
    const c = this.peek();
    if (c === '"') return this.string();
    if (c === '`') return this.rawString();
    if (c === '[') return this.array();
    if (c === '{') return this.braces();
    if (c !== undefined && /[-0-9]/.test(c)) return this.number();
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.src.slice(this.pos))?.[0];
    if (word === 'true' || word === 'false' || word === 'null') {
      this.pos += word.length;
      return word === 'true' ? true : word === 'false' ? false : null;
    }
    if (word !== undefined && this.constants.has(word) && !/^[.[(]/.test(this.src.slice(this.pos + word.length))) {
      this.pos += word.length;
      return this.constants.get(word)!;
    }
    if (word === 'set' && this.src.startsWith('set()', this.pos)) {
      this.pos += 5;
      return [];
    }
    throw new NotConstant(`not a constant at ${this.pos}`);
  }

  private string(): string {
    const start = this.pos;
    this.pos++;
    while (this.pos < this.src.length && this.src[this.pos] !== '"') {
      if (this.src[this.pos] === '\\') this.pos++;
      this.pos++;
    }
    this.pos++;
    return JSON.parse(this.src.slice(start, this.pos)) as string;
  }

  private rawString(): string {
    const end = this.src.indexOf('`', this.pos + 1);
    if (end < 0) throw new NotConstant('unterminated raw string');
    const value = this.src.slice(this.pos + 1, end);
    this.pos = end + 1;
    return value;
  }

  private number(): number | bigint {
    const match = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(this.src.slice(this.pos));
    if (!match) throw new NotConstant(`bad number at ${this.pos}`);
    this.pos += match[0].length;
    const n = Number(match[0]);
    if (Number.isInteger(n) && !Number.isSafeInteger(n) && /^-?\d+$/.test(match[0])) return BigInt(match[0]);
    return n;
  }

  private array(): JsonValue[] {
    this.expect('[');
    const items: JsonValue[] = [];
    while (this.peek() !== ']') {
      items.push(this.term());
      if (this.peek() === ',') this.pos++;
    }
    this.pos++;
    return items;
  }

  private braces(): JsonValue {
    this.expect('{');
    if (this.peek() === '}') {
      this.pos++;
      return {};
    }
    const first = this.term();
    if (this.peek() === ':') return this.objectRest(first);
    const items = [first];
    if (this.peek() === ',') this.pos++;
    while (this.peek() !== '}') {
      items.push(this.term());
      if (this.peek() === ',') this.pos++;
    }
    this.pos++;
    return toSet(items);
  }

  private objectRest(firstKey: JsonValue): JsonValue {
    const obj: Record<string, JsonValue> = {};
    let key = firstKey;
    for (;;) {
      this.expect(':');
      if (typeof key !== 'string') throw new NotConstant('non-string object key');
      obj[key] = this.term();
      if (this.peek() === ',') this.pos++;
      if (this.peek() === '}') break;
      key = this.term();
    }
    this.pos++;
    return obj;
  }
}

export { compareValues };
