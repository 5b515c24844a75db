/**
 * Emits a JavaScript RegExp (always with the `u` flag) that matches exactly what Go's regexp matches
 * for a parsed pattern, or throws GoRegexUnsupported. Go's flags are resolved per node by the parser,
 * so the emitter spells each node out: `.` as [^\n] or [^], anchors as lookarounds, \d \s \w and
 * POSIX classes as explicit ASCII ranges, Unicode classes as \p{gc=..}/\p{Script=..}, lazy and greedy
 * as written. (?i) becomes the `i` flag when it covers every case-sensitive part of the pattern, and
 * explicit folded classes otherwise.
 */
import { clean, foldClosure, foldExtras, foldInvariant, negate, orbit, type Range } from './fold.js';
import { children, GoRegexUnsupported, PERL_CLASSES, POSIX_CLASSES, type ClassItem, type Node, type Parsed } from './syntax.js';

export interface Emitted {
  source: string;
  flags: string;
}

type FoldMode = 'none' | 'flag' | 'manual';

function hex(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

/** A code point written so that it means itself in and out of a class under the `u` flag. */
function char(cp: number): string {
  return /^[0-9A-Za-z]$/.test(String.fromCodePoint(cp)) ? String.fromCodePoint(cp) : hex(cp);
}

function rangesSource(ranges: readonly Range[]): string {
  return ranges.map(([lo, hi]) => (lo === hi ? char(lo) : `${char(lo)}-${char(hi)}`)).join('');
}

/** The ranges of an ASCII-defined item (Perl or POSIX class), before its own negation. */
function asciiItemRanges(item: Extract<ClassItem, { k: 'perl' | 'posix' }>): Range[] {
  return [...(item.k === 'perl' ? PERL_CLASSES[item.name] : POSIX_CLASSES[item.name]!)];
}

/** \p{..} for one of Go's Unicode tables. Go's C is Cc|Cf|Co|Cs (no unassigned code points). */
function unicodeSource(item: Extract<ClassItem, { k: 'uni' }>): string {
  const n = item.name;
  if (n.kind === 'any') return '\\u{0}-\\u{10ffff}';
  if (n.kind === 'script') return `\\p{Script=${n.name}}`;
  if (n.name === 'C') return '\\p{gc=Cc}\\p{gc=Cf}\\p{gc=Co}\\p{gc=Cs}';
  return `\\p{gc=${n.name}}`;
}

/** Whether a class or literal could match differently with and without (?i). */
function foldSensitive(node: Node): boolean {
  if (node.k === 'lit') return orbit(node.cp).length > 1;
  if (node.k !== 'class') return false;
  return node.items.some((item) => {
    if (item.k === 'uni') return item.name.kind !== 'any';
    if (item.k === 'range') return !foldInvariant([[item.lo, item.hi]]);
    return !foldInvariant(asciiItemRanges(item));
  });
}

function atoms(node: Node, out: Node[] = []): Node[] {
  if (node.k === 'lit' || node.k === 'class') out.push(node);
  for (const sub of children(node)) atoms(sub, out);
  return out;
}

function hasWordBoundary(node: Node): boolean {
  if (node.k === 'assert' && (node.what === 'wordBoundary' || node.what === 'noWordBoundary')) return true;
  return children(node).some(hasWordBoundary);
}

/**
 * The `i` flag folds every class of the pattern and also changes \b (JavaScript's word characters
 * then include U+017F and U+212A); it is used only when nothing case-sensitive is outside (?i) and
 * there is no \b.
 */
function chooseFoldMode(root: Node): FoldMode {
  const all = atoms(root);
  const folded = all.filter((a) => (a.k === 'lit' || a.k === 'class') && a.fold);
  if (folded.length === 0) return 'none';
  const unfolded = all.filter((a) => (a.k === 'lit' || a.k === 'class') && !a.fold);
  if (unfolded.length > 0 && unfolded.some(foldSensitive)) return 'manual';
  if (!folded.some(foldSensitive)) return 'none';
  return hasWordBoundary(root) ? 'manual' : 'flag';
}

class Emitter {
  constructor(private readonly mode: FoldMode) {}

  node(n: Node): string {
    switch (n.k) {
      case 'lit':
        return this.literal(n.cp, n.fold);
      case 'class':
        return this.klass(n);
      case 'any':
        return n.dotNL ? '[^]' : '[^\\n]';
      case 'assert':
        return ASSERTIONS[n.what];
      case 'empty':
        return '(?:)';
      case 'capture':
        return `(${this.node(n.sub)})`;
      case 'concat':
        return n.subs.map((s) => this.node(s)).join('');
      case 'alt':
        return `(?:${n.subs.map((s) => this.node(s)).join('|')})`;
      case 'repeat':
        return `(?:${this.node(n.sub)})${quantifier(n.min, n.max)}${n.greedy ? '' : '?'}`;
    }
  }

  private literal(cp: number, fold: boolean): string {
    if (this.mode !== 'manual' || !fold) return char(cp);
    const o = orbit(cp);
    return o.length === 1 ? char(cp) : `[${o.map(char).join('')}]`;
  }

  private klass(n: Extract<Node, { k: 'class' }>): string {
    if (n.fold && this.mode === 'manual') return this.manualFoldedClass(n);
    const only = n.items.length === 1 ? n.items[0] : undefined;
    if (only?.k === 'uni' && only.neg) {
      // \PX alone: written as [^\pX], which under the `i` flag is the complement of the folded set, as Go builds it.
      return `[${n.neg ? '' : '^'}${unicodeSource(only)}]`;
    }
    const parts = n.items.map((item) => this.item(item, n.fold));
    return `[${n.neg ? '^' : ''}${parts.join('')}]`;
  }

  private item(item: ClassItem, fold: boolean): string {
    if (item.k === 'range') return rangesSource([[item.lo, item.hi]]);
    if (item.k === 'uni') {
      if (!item.neg) return unicodeSource(item);
      if (fold && this.mode === 'flag') throw new GoRegexUnsupported('a negated Unicode class beside other items under (?i)');
      const n = item.name;
      if (n.kind === 'any') return '';
      if (n.kind === 'script') return `\\P{Script=${n.name}}`;
      if (n.name === 'C') throw new GoRegexUnsupported('\\PC beside other items of a character class');
      return `\\P{gc=${n.name}}`;
    }
    const ranges = asciiItemRanges(item);
    if (!item.neg) return rangesSource(ranges);
    // Under the `i` flag a negated set must be the complement of the folded set, as Go builds it.
    return rangesSource(negate(fold && this.mode === 'flag' ? foldClosure(ranges) : ranges));
  }

  /**
   * (?i) on part of a pattern: the class's own ranges with their orbits, no flag involved. A Unicode
   * class gets the code points that fold into it, read from this runtime's tables; negated, it can
   * only be written alone (as the negation of the whole class).
   */
  private manualFoldedClass(n: Extract<Node, { k: 'class' }>): string {
    const ranges: Range[] = [];
    const sources: string[] = [];
    let neg = n.neg;
    for (const item of n.items) {
      if (item.k === 'uni') {
        if (item.neg && n.items.length !== 1) throw new GoRegexUnsupported('a negated Unicode class beside other items under (?i)');
        if (item.neg) neg = !neg;
        const src = unicodeSource(item);
        const re = new RegExp(`[${src}]`, 'u');
        sources.push(src);
        ranges.push(...foldExtras((cp) => re.test(String.fromCodePoint(cp))));
      } else if (item.k === 'range') ranges.push(...foldClosure([[item.lo, item.hi]]));
      else {
        const folded = foldClosure(asciiItemRanges(item));
        ranges.push(...(item.neg ? negate(folded) : folded));
      }
    }
    return `[${neg ? '^' : ''}${sources.join('')}${rangesSource(clean(ranges))}]`;
  }
}

/** Go's anchors: without (?m) ^ and $ are text edges; with it, edges of lines split at \n only. */
const ASSERTIONS: Record<string, string> = {
  beginText: '^',
  endText: '$',
  beginLine: '(?<![^\\n])',
  endLine: '(?![^\\n])',
  wordBoundary: '\\b',
  noWordBoundary: '\\B',
};

function quantifier(min: number, max: number): string {
  if (min === 0 && max === -1) return '*';
  if (min === 1 && max === -1) return '+';
  if (min === 0 && max === 1) return '?';
  if (max === -1) return `{${min},}`;
  return min === max ? `{${min}}` : `{${min},${max}}`;
}

export function emitJs(parsed: Parsed): Emitted {
  const mode = chooseFoldMode(parsed.root);
  const source = new Emitter(mode).node(parsed.root);
  return { source, flags: mode === 'flag' ? 'iu' : 'u' };
}
