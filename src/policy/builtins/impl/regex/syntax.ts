/**
 * A parser of Go's regexp/syntax grammar with the flags regexp.Compile uses (syntax.Perl: ClassNL,
 * OneLine, PerlX, UnicodeGroups). It reads the pattern left to right like Go's parser so that the
 * first error found is the one Go reports, with Go's text: `error parsing regexp: <code>: `<expr>``.
 * The tree it builds is small: flags that change meaning (i, s, m, U) are resolved per node, so the
 * compiler (vm.ts) never has to track scopes.
 */
import { goUnicodeClass, type UnicodeClassName } from './unicode-names.js';

export class GoRegexSyntaxError extends Error {
  override readonly name = 'GoRegexSyntaxError';
  constructor(
    readonly code: string,
    readonly expr: string,
  ) {
    super(`error parsing regexp: ${code}: \`${expr}\``);
  }
}

/** A pattern Go accepts but this engine cannot decide exactly (the caller turns it into notExact). */
export class GoRegexUnsupported extends Error {
  override readonly name = 'GoRegexUnsupported';
}

const ERR = {
  invalidCharClass: 'invalid character class',
  invalidCharRange: 'invalid character class range',
  invalidEscape: 'invalid escape sequence',
  invalidNamedCapture: 'invalid named capture',
  invalidPerlOp: 'invalid or unsupported Perl syntax',
  invalidRepeatOp: 'invalid nested repetition operator',
  invalidRepeatSize: 'invalid repeat count',
  missingBracket: 'missing closing ]',
  missingParen: 'missing closing )',
  missingRepeatArgument: 'missing argument to repetition operator',
  trailingBackslash: 'trailing backslash at end of expression',
  unexpectedParen: 'unexpected )',
  nestingDepth: 'expression nests too deeply',
  large: 'expression too large',
} as const;

/** Go's named sets: Perl escapes (\d \s \w), POSIX [:name:], Unicode \p{Name}. */
export type ClassItem =
  | { k: 'range'; lo: number; hi: number }
  | { k: 'perl'; name: 'd' | 's' | 'w'; neg: boolean }
  | { k: 'posix'; name: string; neg: boolean }
  | { k: 'uni'; name: UnicodeClassName; neg: boolean };

export type Assertion = 'beginText' | 'endText' | 'beginLine' | 'endLine' | 'wordBoundary' | 'noWordBoundary';

export type Node =
  | { k: 'lit'; cp: number; fold: boolean }
  | { k: 'class'; items: ClassItem[]; neg: boolean; fold: boolean }
  | { k: 'any'; dotNL: boolean }
  | { k: 'assert'; what: Assertion }
  | { k: 'empty' }
  | { k: 'capture'; index: number; name: string | undefined; sub: Node }
  | { k: 'concat'; subs: Node[] }
  | { k: 'alt'; subs: Node[] }
  | { k: 'repeat'; min: number; max: number; greedy: boolean; sub: Node };

export interface Parsed {
  root: Node;
  captures: number;
  names: (string | undefined)[];
}

interface Flags {
  fold: boolean;
  dotNL: boolean;
  oneLine: boolean;
  nonGreedy: boolean;
}

/** Go's maxRepeat: any single count and the product of nested counts. */
const MAX_REPEAT = 1000;

/** Go's POSIX classes (ASCII only), as ranges. */
export const POSIX_CLASSES: Readonly<Record<string, readonly [number, number][]>> = {
  alnum: [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]],
  alpha: [[0x41, 0x5a], [0x61, 0x7a]],
  ascii: [[0x00, 0x7f]],
  blank: [[0x09, 0x09], [0x20, 0x20]],
  cntrl: [[0x00, 0x1f], [0x7f, 0x7f]],
  digit: [[0x30, 0x39]],
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [[0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e]],
  space: [[0x09, 0x0d], [0x20, 0x20]],
  upper: [[0x41, 0x5a]],
  word: [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a], [0x5f, 0x5f]],
  xdigit: [[0x30, 0x39], [0x41, 0x46], [0x61, 0x66]],
};

/** Go's Perl classes: \d [0-9], \s [\t\n\f\r ], \w [0-9A-Za-z_] (all ASCII, unlike JavaScript's \s). */
export const PERL_CLASSES: Readonly<Record<'d' | 's' | 'w', readonly [number, number][]>> = {
  d: [[0x30, 0x39]],
  s: [[0x09, 0x0a], [0x0c, 0x0d], [0x20, 0x20]],
  w: [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]],
};

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isAlnum = (c: string): boolean => /^[0-9A-Za-z]$/.test(c);

function unhex(c: string | undefined): number {
  if (c === undefined || !/^[0-9A-Fa-f]$/.test(c)) return -1;
  return parseInt(c, 16);
}

/** Stack entries: parsed nodes and Go's two pseudo-operators. */
type Entry = { node: Node } | { open: true; flags: Flags; cap: number; name: string | undefined } | { bar: true };

class Parser {
  private readonly s: string;
  private pos = 0;
  private flags: Flags = { fold: false, dotNL: false, oneLine: true, nonGreedy: false };
  private stack: Entry[] = [];
  private ncap = 0;
  private readonly names: (string | undefined)[] = [undefined];

  constructor(pattern: string) {
    this.s = pattern;
  }

  parse(): Parsed {
    let lastRepeat = -1; // position of the previous repetition operator, -1 if the last token was not one
    while (this.pos < this.s.length) {
      const start = this.pos;
      const c = this.s[this.pos]!;
      let repeatAt = -1;
      switch (c) {
        case '(':
          if (this.s[this.pos + 1] === '?') this.perlFlags();
          else {
            this.ncap++;
            this.names.push(undefined);
            this.stack.push({ open: true, flags: { ...this.flags }, cap: this.ncap, name: undefined });
            this.pos++;
          }
          break;
        case '|':
          this.verticalBar();
          this.pos++;
          break;
        case ')':
          this.rightParen();
          this.pos++;
          break;
        case '^':
          this.push({ k: 'assert', what: this.flags.oneLine ? 'beginText' : 'beginLine' });
          this.pos++;
          break;
        case '$':
          this.push({ k: 'assert', what: this.flags.oneLine ? 'endText' : 'endLine' });
          this.pos++;
          break;
        case '.':
          this.push({ k: 'any', dotNL: this.flags.dotNL });
          this.pos++;
          break;
        case '[':
          this.parseClass();
          break;
        case '*':
        case '+':
        case '?': {
          this.pos++;
          const [min, max] = c === '*' ? [0, -1] : c === '+' ? [1, -1] : [0, 1];
          this.repeat(min, max, start, lastRepeat);
          repeatAt = start;
          break;
        }
        case '{': {
          const rep = this.parseRepeat();
          if (rep === undefined) {
            this.literal(0x7b);
            this.pos++;
            break;
          }
          const [min, max] = rep;
          if (min < 0 || min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && min > max)) {
            throw new GoRegexSyntaxError(ERR.invalidRepeatSize, this.s.slice(start, this.pos));
          }
          this.repeat(min, max, start, lastRepeat);
          repeatAt = start;
          break;
        }
        case '\\':
          this.backslash();
          break;
        default: {
          const cp = this.s.codePointAt(this.pos)!;
          this.literal(cp);
          this.pos += cp > 0xffff ? 2 : 1;
        }
      }
      lastRepeat = repeatAt;
    }
    this.concat();
    if (this.swapVerticalBar()) this.stack.pop();
    this.alternate();
    if (this.stack.length !== 1) throw new GoRegexSyntaxError(ERR.missingParen, this.s);
    const root = (this.stack[0] as { node: Node }).node;
    return { root, captures: this.ncap, names: this.names };
  }

  private push(node: Node): void {
    this.stack.push({ node });
  }

  private literal(cp: number): void {
    this.push({ k: 'lit', cp, fold: this.flags.fold });
  }

  /** Go applies a repetition to the top of its stack; a repetition of a repetition is an error in Perl mode. */
  private repeat(min: number, max: number, start: number, lastRepeat: number): void {
    let greedy = !this.flags.nonGreedy;
    if (this.s[this.pos] === '?') {
      this.pos++;
      greedy = !greedy;
    }
    if (lastRepeat >= 0) throw new GoRegexSyntaxError(ERR.invalidRepeatOp, this.s.slice(lastRepeat, this.pos));
    const top = this.stack[this.stack.length - 1];
    if (top === undefined || !('node' in top)) {
      throw new GoRegexSyntaxError(ERR.missingRepeatArgument, this.s.slice(start, this.pos));
    }
    const node: Node = { k: 'repeat', min, max, greedy, sub: top.node };
    top.node = node;
    if ((min >= 2 || max >= 2) && !repeatIsValid(node, MAX_REPEAT)) {
      throw new GoRegexSyntaxError(ERR.invalidRepeatSize, this.s.slice(start, this.pos));
    }
  }

  /** {n}, {n,}, {n,m}; undefined when the text is not of that form (then `{` is a literal). */
  private parseRepeat(): [number, number] | undefined {
    let i = this.pos + 1;
    const int = (): number | undefined => {
      if (!isDigit(this.s[i])) return undefined;
      if (this.s[i] === '0' && isDigit(this.s[i + 1])) return undefined; // Go disallows leading zeros
      const from = i;
      while (isDigit(this.s[i])) i++;
      const digits = this.s.slice(from, i);
      return digits.length > 8 ? -1 : Number(digits); // Go: too big reads as -1
    };
    const min = int();
    if (min === undefined || i >= this.s.length) return undefined;
    let max: number;
    if (this.s[i] !== ',') max = min;
    else {
      i++;
      if (i >= this.s.length) return undefined;
      if (this.s[i] === '}') max = -1;
      else {
        const m = int();
        if (m === undefined) return undefined;
        max = m;
        if (m < 0) return this.closeRepeat(i, -1, -1);
      }
    }
    return this.closeRepeat(i, min, max);
  }

  private closeRepeat(i: number, min: number, max: number): [number, number] | undefined {
    if (this.s[i] !== '}') return undefined;
    this.pos = i + 1;
    return [min, max];
  }

  /** (?flags), (?flags:, (?P<name>, (?<name>. */
  private perlFlags(): void {
    const t = this.s.slice(this.pos);
    const startsWithP = t.length > 4 && t[2] === 'P' && t[3] === '<';
    const startsWithName = t.length > 3 && t[2] === '<';
    if (startsWithP || startsWithName) {
      const end = t.indexOf('>');
      if (end < 0) throw new GoRegexSyntaxError(ERR.invalidNamedCapture, t);
      const name = t.slice(startsWithP ? 4 : 3, end);
      if (!/^[0-9A-Za-z_]+$/.test(name)) throw new GoRegexSyntaxError(ERR.invalidNamedCapture, t.slice(0, end + 1));
      this.ncap++;
      this.names.push(name);
      this.stack.push({ open: true, flags: { ...this.flags }, cap: this.ncap, name });
      this.pos += end + 1;
      return;
    }
    let flags = { ...this.flags };
    let negate = false;
    let sawFlag = false;
    let i = 2;
    while (i < t.length) {
      const cp = t.codePointAt(i)!;
      const c = String.fromCodePoint(cp);
      i += c.length;
      const on = !negate;
      if (c === 'i') flags.fold = on;
      else if (c === 'm') flags.oneLine = !on;
      else if (c === 's') flags.dotNL = on;
      else if (c === 'U') flags.nonGreedy = on;
      else if (c === '-') {
        if (negate) break;
        negate = true;
        sawFlag = false;
        continue;
      } else if (c === ':' || c === ')') {
        if (negate && !sawFlag) break;
        if (c === ':') this.stack.push({ open: true, flags: { ...this.flags }, cap: 0, name: undefined });
        this.flags = flags;
        this.pos += i;
        return;
      } else break;
      sawFlag = true;
    }
    throw new GoRegexSyntaxError(ERR.invalidPerlOp, t.slice(0, i));
  }

  private backslash(): void {
    const next = this.s[this.pos + 1];
    const simple: Partial<Record<string, Assertion>> = { A: 'beginText', b: 'wordBoundary', B: 'noWordBoundary', z: 'endText' };
    const what = next === undefined ? undefined : simple[next];
    if (what !== undefined) {
      this.push({ k: 'assert', what });
      this.pos += 2;
      return;
    }
    if (next === 'C') throw new GoRegexSyntaxError(ERR.invalidEscape, '\\C');
    if (next === 'Q') {
      const rest = this.s.slice(this.pos + 2);
      const end = rest.indexOf('\\E');
      const lit = end < 0 ? rest : rest.slice(0, end);
      for (const ch of lit) this.literal(ch.codePointAt(0)!);
      this.pos += 2 + lit.length + (end < 0 ? 0 : 2);
      return;
    }
    const uni = this.unicodeClass();
    if (uni !== undefined) {
      this.push({ k: 'class', items: [uni], neg: false, fold: this.flags.fold });
      return;
    }
    const perl = this.perlClass();
    if (perl !== undefined) {
      this.push({ k: 'class', items: [perl], neg: false, fold: this.flags.fold });
      return;
    }
    this.literal(this.escape());
  }

  private perlClass(): ClassItem | undefined {
    const c = this.s[this.pos + 1];
    if (this.s[this.pos] !== '\\' || c === undefined || !'dDsSwW'.includes(c)) return undefined;
    this.pos += 2;
    return { k: 'perl', name: c.toLowerCase() as 'd' | 's' | 'w', neg: c !== c.toLowerCase() };
  }

  /** \pN, \p{Name}, \PN, \P{^Name}: undefined when not at one. */
  private unicodeClass(): ClassItem | undefined {
    const t = this.s.slice(this.pos);
    if (t[0] !== '\\' || (t[1] !== 'p' && t[1] !== 'P')) return undefined;
    let neg = t[1] === 'P';
    let seq: string;
    let name: string;
    if (t[2] !== '{') {
      const cp = t.codePointAt(2);
      const ch = cp === undefined ? '' : String.fromCodePoint(cp);
      seq = t.slice(0, 2 + ch.length);
      name = ch;
    } else {
      const end = t.indexOf('}');
      if (end < 0) throw new GoRegexSyntaxError(ERR.invalidCharRange, t);
      seq = t.slice(0, end + 1);
      name = t.slice(3, end);
    }
    if (name.startsWith('^')) {
      neg = !neg;
      name = name.slice(1);
    }
    const found = goUnicodeClass(name);
    if (found === 'unknown') throw new GoRegexSyntaxError(ERR.invalidCharRange, seq);
    if (found === 'version-dependent') {
      throw new GoRegexUnsupported(`the Unicode class name ${seq} (its meaning depends on the Go version OPA was built with)`);
    }
    this.pos += seq.length;
    return { k: 'uni', name: found, neg };
  }

  /** One escaped character (Go's parseEscape); this.pos is at the backslash. */
  private escape(): number {
    const s = this.s;
    const from = this.pos;
    let i = from + 1;
    const fail = (): never => {
      throw new GoRegexSyntaxError(ERR.invalidEscape, s.slice(from, i));
    };
    if (i >= s.length) throw new GoRegexSyntaxError(ERR.trailingBackslash, '');
    const cp = s.codePointAt(i)!;
    const c = String.fromCodePoint(cp);
    i += c.length;
    const done = (r: number): number => {
      this.pos = i;
      return r;
    };
    if (cp < 0x80 && !isAlnum(c)) return done(cp);
    if (c >= '1' && c <= '7' && !(s[i] !== undefined && s[i]! >= '0' && s[i]! <= '7')) fail(); // a backreference
    if (c >= '0' && c <= '7') {
      let r = Number(c);
      for (let n = 1; n < 3 && s[i] !== undefined && s[i]! >= '0' && s[i]! <= '7'; n++) r = r * 8 + Number(s[i++]);
      return done(r);
    }
    if (c === 'x') {
      if (i >= s.length) fail();
      if (s[i] === '{') {
        i++;
        let r = 0;
        let n = 0;
        for (;;) {
          if (i >= s.length) fail();
          const d = String.fromCodePoint(s.codePointAt(i)!);
          i += d.length;
          if (d === '}') break;
          const v = unhex(d);
          if (v < 0) fail();
          r = r * 16 + v;
          if (r > 0x10ffff) fail();
          n++;
        }
        if (n === 0) fail();
        return done(r);
      }
      const x = unhex(s[i]);
      i += String.fromCodePoint(s.codePointAt(i)!).length;
      if (i > s.length) fail();
      const y = i < s.length ? unhex(s[i]) : -1;
      if (i < s.length) i += String.fromCodePoint(s.codePointAt(i)!).length;
      if (x < 0 || y < 0) fail();
      return done(x * 16 + y);
    }
    const simple: Partial<Record<string, number>> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
    const r = simple[c];
    if (r !== undefined) return done(r);
    return fail();
  }

  /** [...] with Go's rules: ] first is literal, - anywhere (Perl), [:name:], \p, \d, ranges. */
  private parseClass(): void {
    const whole = this.s.slice(this.pos);
    this.pos++;
    let neg = false;
    if (this.s[this.pos] === '^') {
      neg = true;
      this.pos++;
    }
    const items: ClassItem[] = [];
    let first = true;
    while (this.pos >= this.s.length || this.s[this.pos] !== ']' || first) {
      first = false;
      const t = this.s.slice(this.pos);
      if (t.length > 2 && t[0] === '[' && t[1] === ':') {
        const end = t.indexOf(':]', 2);
        if (end >= 0) {
          const seq = t.slice(0, end + 2);
          let name = t.slice(2, end);
          const cneg = name.startsWith('^');
          if (cneg) name = name.slice(1);
          if (POSIX_CLASSES[name] === undefined) throw new GoRegexSyntaxError(ERR.invalidCharRange, seq);
          items.push({ k: 'posix', name, neg: cneg });
          this.pos += seq.length;
          continue;
        }
      }
      const uni = this.unicodeClass();
      if (uni !== undefined) {
        items.push(uni);
        continue;
      }
      const perl = this.perlClass();
      if (perl !== undefined) {
        items.push(perl);
        continue;
      }
      const rangeStart = this.pos;
      const lo = this.classChar(whole);
      let hi = lo;
      if (this.pos + 1 < this.s.length && this.s[this.pos] === '-' && this.s[this.pos + 1] !== ']') {
        this.pos++;
        hi = this.classChar(whole);
        if (hi < lo) throw new GoRegexSyntaxError(ERR.invalidCharRange, this.s.slice(rangeStart, this.pos));
      }
      items.push({ k: 'range', lo, hi });
    }
    this.pos++;
    this.push({ k: 'class', items, neg, fold: this.flags.fold });
  }

  private classChar(whole: string): number {
    if (this.pos >= this.s.length) throw new GoRegexSyntaxError(ERR.missingBracket, whole);
    if (this.s[this.pos] === '\\') return this.escape();
    const cp = this.s.codePointAt(this.pos)!;
    this.pos += cp > 0xffff ? 2 : 1;
    return cp;
  }

  // Go's stack discipline for | and ( ... ).

  private concat(): void {
    let i = this.stack.length;
    while (i > 0 && 'node' in this.stack[i - 1]!) i--;
    const subs = this.stack.splice(i).map((e) => (e as { node: Node }).node);
    this.push(subs.length === 0 ? { k: 'empty' } : subs.length === 1 ? subs[0]! : { k: 'concat', subs });
  }

  private alternate(): void {
    let i = this.stack.length;
    while (i > 0 && 'node' in this.stack[i - 1]!) i--;
    const subs = this.stack.splice(i).map((e) => (e as { node: Node }).node);
    if (subs.length === 0) throw new GoRegexSyntaxError('regexp/syntax: internal error', this.s);
    this.push(subs.length === 1 ? subs[0]! : { k: 'alt', subs });
  }

  private verticalBar(): void {
    this.concat();
    if (!this.swapVerticalBar()) this.stack.push({ bar: true });
  }

  /** Keeps the finished alternative below the bar, as Go does, so that branches stay in order. */
  private swapVerticalBar(): boolean {
    const n = this.stack.length;
    if (n >= 2 && 'bar' in this.stack[n - 2]!) {
      const top = this.stack[n - 1]!;
      this.stack[n - 1] = this.stack[n - 2]!;
      this.stack[n - 2] = top;
      return true;
    }
    return false;
  }

  private rightParen(): void {
    this.concat();
    if (this.swapVerticalBar()) this.stack.pop();
    this.alternate();
    const n = this.stack.length;
    if (n < 2) throw new GoRegexSyntaxError(ERR.unexpectedParen, this.s);
    const body = this.stack.pop() as { node: Node };
    const open = this.stack.pop()!;
    if (!('open' in open)) throw new GoRegexSyntaxError(ERR.unexpectedParen, this.s);
    this.flags = open.flags;
    this.push(open.cap === 0 ? body.node : { k: 'capture', index: open.cap, name: open.name, sub: body.node });
  }
}

/** Go's repeatIsValid: nested counted repetitions may not multiply past 1000. */
function repeatIsValid(node: Node, n: number): boolean {
  if (node.k === 'repeat') {
    let m = node.max;
    if (m === 0) return true;
    if (m < 0) m = node.min;
    if (m > n) return false;
    if (m > 0) n = Math.floor(n / m);
  }
  return children(node).every((sub) => repeatIsValid(sub, n));
}

export function children(node: Node): Node[] {
  switch (node.k) {
    case 'capture':
    case 'repeat':
      return [node.sub];
    case 'concat':
    case 'alt':
      return node.subs;
    default:
      return [];
  }
}

export function parseGoRegex(pattern: string): Parsed {
  return new Parser(pattern).parse();
}
