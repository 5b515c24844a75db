/**
 * Patterns Go accepts where this engine cannot promise Go's answer, and Go's own size limits. Each
 * check passes or throws GoRegexUnsupported (the caller stops the evaluation).
 *
 * 1. Size: Go rejects some programs over maxSize instructions ("expression too large") and trees
 *    deeper than 1000 ("expression nests too deeply"), measured on its own factored tree and only
 *    past a node-count gate. The estimate here never undercounts; past it this engine stops.
 * 2. Alternation factoring: Go's parser factors a common leading character out of adjacent
 *    alternatives and compares single-character literals without their (?i) flag (Regexp.Equal),
 *    so in K|(?i:k)y the second branch loses its (?i). This engine does not rebuild Go's factored
 *    tree, so it stops where branches of one alternation hold the same letter with and without (?i).
 */
import { clean, foldClosure, orbit } from './fold.js';
import { children, GoRegexUnsupported, type Node } from './syntax.js';

function nullable(n: Node): boolean {
  switch (n.k) {
    case 'lit':
    case 'class':
    case 'any':
      return false;
    case 'assert':
    case 'empty':
      return true;
    case 'capture':
      return nullable(n.sub);
    case 'concat':
      return n.subs.every(nullable);
    case 'alt':
      return n.subs.some(nullable);
    case 'repeat':
      return n.min === 0 || nullable(n.sub);
  }
}

/** Go's maxSize (128 MB of 40-byte instructions) and maxHeight. */
const MAX_SIZE = Math.floor((128 << 20) / 40);
const MAX_HEIGHT = 1000;
/** This engine's own bound on a compiled program (instructions, estimated as Go does). */
const MAX_PROGRAM = 200_000;

/** Go's calcSize on an unfactored tree: an upper bound of Go's (factoring only shrinks). */
function size(n: Node): number {
  let s: number;
  switch (n.k) {
    case 'capture':
      s = 2 + size(n.sub);
      break;
    case 'concat':
      s = n.subs.reduce((acc, x) => acc + size(x), 0);
      break;
    case 'alt':
      s = n.subs.reduce((acc, x) => acc + size(x), 0) + n.subs.length - 1;
      break;
    case 'repeat': {
      const sub = size(n.sub);
      if (n.max === -1) s = n.min === 0 ? 2 + sub : 1 + n.min * sub;
      else s = n.max * sub + (n.max - n.min);
      break;
    }
    default:
      s = 1;
  }
  return Math.max(1, s);
}

function height(n: Node): number {
  return 1 + Math.max(0, ...children(n).filter((c) => c.k !== 'lit').map(height));
}

export function checkLimits(root: Node, pattern: string): void {
  const h = height(root);
  if (h > MAX_HEIGHT / 2) throw new GoRegexUnsupported('a pattern nested more than 500 deep');
  // Go measures size only once its node count times the repeat counts reaches maxSize, on its
  // factored tree, so past the bound here it may or may not answer "expression too large".
  if (size(root) > MAX_SIZE) throw new GoRegexUnsupported('a pattern whose compiled size is near Go\'s limit');
  // Go also caps the code points held by all classes (maxRunes, 32M); only long patterns with
  // Unicode classes or case folding could come near it.
  if (pattern.length > 4000 && /\\[pP]|\[:|\(\?[a-zA-Z-]*i/.test(pattern)) {
    throw new GoRegexUnsupported('a pattern over 4000 characters with Unicode classes or case folding');
  }
}

/** Well below Go's limit, a program this large would hold hundreds of megabytes here (matching only). */
export function checkProgramSize(root: Node): void {
  if (size(root) > MAX_PROGRAM) throw new GoRegexUnsupported(`a pattern compiling to more than ${MAX_PROGRAM} instructions`);
}

/** An assertion that looks at the text before the position. */
function looksBack(n: Node): boolean {
  if (n.k === 'assert' && n.what !== 'endText' && n.what !== 'endLine') return true;
  return children(n).some(looksBack);
}

/**
 * Whether searching the rest of a text from a position finds what searching the whole text from
 * that position finds, and never an empty match: true when nothing looks before the position and
 * no match is empty.
 */
export function searchesRestAlike(root: Node): boolean {
  return !nullable(root) && !looksBack(root);
}

/** Go's identity of a one-character literal: its rune (the smallest of its fold orbit under (?i)) and the flag. */
function literalIdentity(n: Node): [number, boolean] | undefined {
  if (n.k === 'lit') return n.fold ? [orbit(n.cp)[0]!, true] : [n.cp, false];
  if (n.k !== 'class' || n.neg || !n.items.every((i) => i.k === 'range')) return undefined;
  // Go's parser turns a class of one code point into a literal, and one of a two-member fold orbit
  // ([Aa]) into a (?i) literal.
  const ranges = n.items.map((i) => [(i as { lo: number }).lo, (i as { hi: number }).hi] as const);
  const set = n.fold ? foldClosure(ranges) : clean(ranges);
  const size = set.reduce((acc, [lo, hi]) => acc + hi - lo + 1, 0);
  if (size === 1) return [set[0]![0], false];
  if (size === 2) {
    const a = set[0]![0];
    const o = orbit(a);
    if (o.length === 2 && set.some(([lo, hi]) => lo <= o[1]! && o[1]! <= hi)) return [a, true];
  }
  return undefined;
}

function literals(n: Node, out: [number, boolean][] = []): [number, boolean][] {
  const id = literalIdentity(n);
  if (id) out.push(id);
  for (const sub of children(n)) literals(sub, out);
  return out;
}

function hasFold(n: Node, fold: boolean): boolean {
  if ((n.k === 'lit' || n.k === 'class') && n.fold === fold) return true;
  return children(n).some((c) => hasFold(c, fold));
}

/** Check 2: an alternation holding the same letter with and without (?i). */
export function checkFoldFactoring(root: Node): void {
  if (!hasFold(root, true) || !hasFold(root, false)) return;
  const visit = (n: Node): void => {
    if (n.k === 'alt') {
      const seen = new Map<number, boolean>();
      for (const [cp, fold] of literals(n)) {
        const before = seen.get(cp);
        if (before !== undefined && before !== fold && orbit(cp).length > 1) {
          throw new GoRegexUnsupported('alternatives holding the same letter with and without (?i), which Go factors as one');
        }
        seen.set(cp, fold);
      }
    }
    children(n).forEach(visit);
  };
  visit(root);
}
