/**
 * What the formatter needs of the source beyond the AST: the tokens (to find brackets, operators and
 * the original text of strings and numbers) and the comments, which the lexer skips. Comments are
 * what lies between tokens besides whitespace, so they are read from the gaps between tokens.
 */
import { Lexer, type Token } from '../compiler/parser/lexer.js';
import type { Location } from '../compiler/ast/types.js';

export interface Comment {
  /** `# ...` without trailing whitespace. */
  text: string;
  line: number;
  /** 1-based column of the `#` (OPA reads a metadata block only from comments in column 1). */
  col: number;
  /** Code precedes the comment on its line. */
  trailing: boolean;
}

const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

export class SourceMap {
  readonly tokens: Token[];
  readonly comments: Comment[] = [];
  private readonly lineStarts: number[] = [0];
  private readonly byPosition = new Map<string, number>();

  constructor(readonly text: string, file: string) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1);
    this.tokens = new Lexer(text, file).tokenize();
    this.tokens.forEach((t, i) => this.byPosition.set(`${t.loc.line}:${t.loc.col}`, i));
    this.readComments();
  }

  private readComments(): void {
    let prevEnd = 0;
    let prevEndLine = 0;
    for (const tok of this.tokens) {
      let i = prevEnd;
      while (i < tok.start) {
        if (this.text[i] === '#') {
          let end = i;
          while (end < this.text.length && this.text[end] !== '\n') end++;
          const line = this.lineOf(i);
          this.comments.push({ text: this.text.slice(i, end).trimEnd(), line, col: i - this.lineStarts[line - 1]! + 1, trailing: prevEnd > 0 && line === prevEndLine && this.codeBefore(i) });
          i = end;
        } else {
          i++;
        }
      }
      prevEnd = tok.end;
      prevEndLine = this.lineOf(Math.max(tok.start, tok.end - 1));
    }
  }

  private codeBefore(offset: number): boolean {
    const start = this.lineStarts[this.lineOf(offset) - 1]!;
    return this.text.slice(start, offset).trim() !== '';
  }

  /** 1-based line of a character offset. */
  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** Whether a source line holds nothing but whitespace (lines outside the file count as not blank). */
  isBlank(line: number): boolean {
    if (line < 1 || line > this.lineStarts.length) return false;
    const start = this.lineStarts[line - 1]!;
    const end = line < this.lineStarts.length ? this.lineStarts[line]! - 1 : this.text.length;
    return this.text.slice(start, end).trim() === '';
  }

  /** Index of the token that starts at a location, if any. */
  indexAt(loc: Location): number | undefined {
    return this.byPosition.get(`${loc.line}:${loc.col}`);
  }

  tokenAt(loc: Location): Token | undefined {
    const i = this.indexAt(loc);
    return i === undefined ? undefined : this.tokens[i];
  }

  /** The line on which a token ends (raw strings and templates may span lines). */
  endLine(tok: Token): number {
    return this.lineOf(Math.max(tok.start, tok.end - 1));
  }

  /** Index of the bracket closing the one at `open`. */
  closing(open: number): number {
    const want = OPENERS[this.tokens[open]!.text];
    let depth = 0;
    for (let i = open; i < this.tokens.length; i++) {
      const t = this.tokens[i]!;
      if (t.kind !== 'op') continue;
      if (t.text in OPENERS) depth++;
      else if (t.text === ')' || t.text === ']' || t.text === '}') {
        depth--;
        if (depth === 0) return t.text === want ? i : i;
      }
    }
    return this.tokens.length - 1;
  }
}
