/**
 * Membership tests for the pattern's single-character parts (literal, class, `.`), as Go builds
 * them: under (?i) a literal matches its fold orbit, a range or a positive named class matches the
 * code points that fold into it, a negated named class (\W, \PL, [:^alpha:]) is the complement of
 * the folded set, and a negated class [^...] is the complement of its folded items. Unicode
 * classes are read from this runtime's tables (\p{gc=..}, \p{Script=..}); see unicode-names.ts.
 * Where the answer rests on a code point those tables have and Go's (Unicode 15.0) do not, the
 * test throws GoRegexUnsupported instead of answering.
 */
import { orbit } from './fold.js';
import { GoRegexUnsupported, PERL_CLASSES, POSIX_CLASSES, type ClassItem, type Node } from './syntax.js';
import { newerThanGoTables } from './unicode-15.js';

export type CodePointTest = (cp: number) => boolean;

function inRanges(ranges: readonly (readonly [number, number])[]): CodePointTest {
  return (cp) => ranges.some(([lo, hi]) => lo <= cp && cp <= hi);
}

function newer(cp: number): never {
  throw new GoRegexUnsupported(`U+${cp.toString(16).toUpperCase()} tested against a Unicode class or (?i) (it is newer than Go's Unicode 15.0 tables)`);
}

function unicodeTest(item: Extract<ClassItem, { k: 'uni' }>): CodePointTest {
  const n = item.name;
  if (n.kind === 'any') return () => true;
  const source = n.kind === 'script' ? `\\p{Script=${n.name}}` : n.name === 'C' ? '[\\p{gc=Cc}\\p{gc=Cf}\\p{gc=Co}\\p{gc=Cs}]' : `\\p{gc=${n.name}}`;
  const re = new RegExp(`^${source}$`, 'u');
  return (cp) => (newerThanGoTables(cp) ? newer(cp) : re.test(String.fromCodePoint(cp)));
}

/** The fold orbit of cp, when Go's tables know all of it. */
function goOrbit(cp: number): number[] {
  const o = orbit(cp);
  const late = o.find(newerThanGoTables);
  return late === undefined ? o : newer(late);
}

/** The positive set of an item (before its own negation). */
function positive(item: ClassItem): CodePointTest {
  switch (item.k) {
    case 'range':
      return (cp) => item.lo <= cp && cp <= item.hi;
    case 'perl':
      return inRanges(PERL_CLASSES[item.name]);
    case 'posix':
      return inRanges(POSIX_CLASSES[item.name]!);
    case 'uni':
      return unicodeTest(item);
  }
}

function folded(test: CodePointTest): CodePointTest {
  return (cp) => goOrbit(cp).some(test);
}

function itemTest(item: ClassItem, fold: boolean): CodePointTest {
  const base = fold ? folded(positive(item)) : positive(item);
  return item.k !== 'range' && item.neg ? (cp) => !base(cp) : base;
}

/** Caches answers per code point (classes are asked about the same characters again and again). */
function cached(test: CodePointTest): CodePointTest {
  const ascii = new Int8Array(128);
  const other = new Map<number, boolean>();
  return (cp) => {
    if (cp < 128) {
      if (ascii[cp] === 0) ascii[cp] = test(cp) ? 1 : -1;
      return ascii[cp] === 1;
    }
    let v = other.get(cp);
    if (v === undefined) {
      v = test(cp);
      if (other.size < 10000) other.set(cp, v);
    }
    return v;
  };
}

export function atomTest(atom: Node): CodePointTest {
  switch (atom.k) {
    case 'lit': {
      if (!atom.fold) return (cp) => cp === atom.cp;
      const o = orbit(atom.cp);
      // Case pairs are stable across Unicode versions, so Go's orbit is the part its tables know.
      return (cp) => cp === atom.cp || (o.includes(cp) && goOrbit(cp).includes(atom.cp));
    }
    case 'any':
      return atom.dotNL ? () => true : (cp) => cp !== 0x0a;
    case 'class': {
      const items = atom.items.map((i) => itemTest(i, atom.fold));
      const neg = atom.neg;
      return cached((cp) => items.some((t) => t(cp)) !== neg);
    }
    default:
      throw new Error(`not a single-character node: ${atom.k}`);
  }
}
