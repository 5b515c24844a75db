import { CompileError } from '../ast/errors.js';
import type { Comment, Location } from '../ast/types.js';

export type TokenKind = 'ident' | 'number' | 'string' | 'rawstring' | 'template' | 'op' | 'eof';

export interface Token {
  kind: TokenKind;
  /** Source text of the token (for strings: the decoded value is in `value`). */
  text: string;
  value?: string;
  loc: Location;
  /** Offsets into the source: [start, end). */
  start: number;
  end: number;
  /** Whitespace or a comment separates this token from the previous one. */
  spaceBefore: boolean;
  /** A newline separates this token from the previous one. */
  newlineBefore: boolean;
  /** Template strings: raw (backtick) form. */
  raw?: boolean;
}

const OPERATORS = [':=', '==', '!=', '<=', '>=', '<', '>', '=', '+', '-', '*', '/', '%', '|', '&',
  '(', ')', '[', ']', '{', '}', ',', ';', '.', ':'];

/**
 * Turns Rego source into tokens. `base` shifts locations so that embedded sources (template
 * string expressions) report positions in the enclosing file.
 */
export class Lexer {
  private pos = 0;
  private line: number;
  private col: number;
  /** Comments met while tokenizing, in source order. */
  readonly comments: Comment[] = [];

  constructor(private readonly src: string, private readonly file: string, base?: { line: number; col: number }) {
    this.line = base?.line ?? 1;
    this.col = base?.col ?? 1;
  }

  tokenize(): Token[] {
    const tokens: Token[] = [];
    for (;;) {
      const { space, newline } = this.skipSpace();
      const tok = this.next(space, newline);
      tokens.push(tok);
      if (tok.kind === 'eof') return tokens;
    }
  }

  private location(): Location {
    return { file: this.file, line: this.line, col: this.col };
  }

  private fail(message: string, loc: Location = this.location()): never {
    throw new CompileError([{ code: 'rego_parse_error', message, loc }]);
  }

  private advance(n = 1): void {
    for (let i = 0; i < n; i++) {
      if (this.src[this.pos] === '\n') {
        this.line++;
        this.col = 1;
      } else {
        this.col++;
      }
      this.pos++;
    }
  }

  private skipSpace(): { space: boolean; newline: boolean } {
    let space = false;
    let newline = false;
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (c === '\n') newline = true;
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
        space = true;
        this.advance();
      } else if (c === '#') {
        space = true;
        const loc = this.location();
        const start = this.pos + 1;
        while (this.pos < this.src.length && this.src[this.pos] !== '\n') this.advance();
        this.comments.push({ text: this.src.slice(start, this.pos).replace(/\r$/, ''), loc });
      } else {
        break;
      }
    }
    return { space, newline };
  }

  private make(kind: TokenKind, start: number, loc: Location, space: boolean, newline: boolean, value?: string): Token {
    const tok: Token = { kind, text: this.src.slice(start, this.pos), loc, start, end: this.pos, spaceBefore: space, newlineBefore: newline };
    if (value !== undefined) tok.value = value;
    return tok;
  }

  private next(space: boolean, newline: boolean): Token {
    const start = this.pos;
    const loc = this.location();
    if (this.pos >= this.src.length) return this.make('eof', start, loc, space, newline);
    const c = this.src[this.pos]!;
    if (isIdentStart(c)) {
      while (this.pos < this.src.length && isIdentPart(this.src[this.pos]!)) this.advance();
      return this.make('ident', start, loc, space, newline);
    }
    if (isDigit(c)) {
      this.scanNumber();
      return this.make('number', start, loc, space, newline);
    }
    if (c === '"') return this.make('string', start, loc, space, newline, this.scanString());
    if (c === '`') return this.make('rawstring', start, loc, space, newline, this.scanRawString());
    if (c === '$' && (this.src[this.pos + 1] === '"' || this.src[this.pos + 1] === '`')) {
      const raw = this.src[this.pos + 1] === '`';
      this.advance(2);
      this.scanTemplateBody(raw ? '`' : '"', loc);
      const tok = this.make('template', start, loc, space, newline);
      tok.raw = raw;
      return tok;
    }
    for (const op of OPERATORS) {
      if (this.src.startsWith(op, this.pos)) {
        this.advance(op.length);
        return this.make('op', start, loc, space, newline);
      }
    }
    return this.fail(`illegal token ${JSON.stringify(c)}`);
  }

  private scanNumber(): void {
    const digits = (): void => {
      while (isDigit(this.src[this.pos] ?? '')) this.advance();
    };
    digits();
    if (this.src[this.pos] === '.' && isDigit(this.src[this.pos + 1] ?? '')) {
      this.advance();
      digits();
    }
    const e = this.src[this.pos];
    if (e === 'e' || e === 'E') {
      const sign = this.src[this.pos + 1];
      const offset = sign === '+' || sign === '-' ? 2 : 1;
      if (isDigit(this.src[this.pos + offset] ?? '')) {
        this.advance(offset);
        digits();
      }
    }
    if (isIdentStart(this.src[this.pos] ?? '')) this.fail('illegal number format');
  }

  /** Scans a double-quoted string, returning its decoded value (JSON escapes). */
  private scanString(): string {
    const loc = this.location();
    const start = this.pos;
    this.advance();
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined || c === '\n') this.fail('non-terminated string', loc);
      if (c === '"') break;
      if (c === '\\') {
        const e = this.src[this.pos + 1] ?? '';
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.src.slice(this.pos + 2, this.pos + 6))) this.fail('illegal escape sequence');
          this.advance(6);
          continue;
        }
        if (!'"\\/bfnrt'.includes(e) || e === '') this.fail(`illegal escape sequence \\${e}`);
        this.advance(2);
        continue;
      }
      this.advance();
    }
    this.advance();
    try {
      return JSON.parse(this.src.slice(start, this.pos)) as string;
    } catch {
      return this.fail('illegal string', loc);
    }
  }

  private scanRawString(): string {
    const loc = this.location();
    this.advance();
    const start = this.pos;
    while (this.src[this.pos] !== '`') {
      if (this.pos >= this.src.length) this.fail('non-terminated raw string', loc);
      this.advance();
    }
    const value = this.src.slice(start, this.pos);
    this.advance();
    return value;
  }

  /** Skips a template string body up to and including its closing quote, over nested `{expr}` parts. */
  private scanTemplateBody(quote: '"' | '`', loc: Location): void {
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined || (c === '\n' && quote === '"')) this.fail('non-terminated template string', loc);
      if (c === quote) {
        this.advance();
        return;
      }
      if (c === '\\') {
        this.advance(2);
        continue;
      }
      if (c === '{') {
        this.skipEmbedded(loc);
        continue;
      }
      this.advance();
    }
  }

  /** Skips `{ ... }` of a template expression, balancing braces and skipping nested strings. */
  private skipEmbedded(loc: Location): void {
    let depth = 0;
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined) this.fail('non-terminated template string', loc);
      if (c === '"') {
        this.scanString();
        continue;
      }
      if (c === '`') {
        this.scanRawString();
        continue;
      }
      if (c === '$' && (this.src[this.pos + 1] === '"' || this.src[this.pos + 1] === '`')) {
        const quote = this.src[this.pos + 1] as '"' | '`';
        this.advance(2);
        this.scanTemplateBody(quote, loc);
        continue;
      }
      if (c === '#') {
        while (this.pos < this.src.length && this.src[this.pos] !== '\n') this.advance();
        continue;
      }
      this.advance();
      if (c === '{') depth++;
      if (c === '}' && --depth === 0) return;
    }
  }
}

function isIdentStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}

function isIdentPart(c: string): boolean {
  return isIdentStart(c) || isDigit(c);
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}
