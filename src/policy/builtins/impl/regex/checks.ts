/**
 * Where JavaScript's backtracking and Go's regexp can disagree on a pattern both accept, and Go's
 * own size limits. Each check either passes, throws Go's error, or throws GoRegexUnsupported.
 *
 * 1. Empty iterations: JavaScript rejects a loop iteration that matches the empty string and
 *    backtracks into the body; Go (like Perl) accepts it and leaves the loop. The two agree when,
 *    in the body, every way of matching empty is tried after every way of matching something
 *    ("empty last"); e.g. (a*)* and (a|)* agree, (|a)* and (a*?)* do not.
 * 2. Captures in loops: JavaScript clears a loop body's groups at each iteration; Go keeps the
 *    value from an earlier iteration when the last one did not take part in the group. Only the
 *    built-ins that report groups care, and only when a group may be skipped in an iteration.
 * 3. Size: Go rejects some programs over maxSize instructions ("expression too large") and trees
 *    deeper than 1000 ("expression nests too deeply"), measured on its own factored tree and only
 *    past a node-count gate. The estimate here never undercounts; past it this engine stops.
 */
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

function onlyEmpty(n: Node): boolean {
  switch (n.k) {
    case 'assert':
    case 'empty':
      return true;
    case 'capture':
      return onlyEmpty(n.sub);
    case 'concat':
    case 'alt':
      return n.subs.every(onlyEmpty);
    case 'repeat':
      return n.max === 0 || onlyEmpty(n.sub);
    default:
      return false;
  }
}

/** Every empty way through n comes after every non-empty way, in priority order. */
function emptyLast(n: Node): boolean {
  if (!nullable(n) || onlyEmpty(n)) return true;
  switch (n.k) {
    case 'capture':
      return emptyLast(n.sub);
    case 'repeat':
      // Greedy: more iterations are tried first; zero iterations last. Lazy with min 0: empty first.
      return n.greedy && (!nullable(n.sub) || onlyEmpty(n.sub));
    case 'alt': {
      const firstNullable = n.subs.findIndex(nullable);
      return n.subs.every(emptyLast) && n.subs.slice(firstNullable + 1).every(onlyEmpty);
    }
    case 'concat':
      return n.subs.every(emptyLast) && n.subs.filter((s) => !onlyEmpty(s)).length <= 1;
    default:
      return true;
  }
}

function checkEmptyIterations(n: Node): void {
  if (n.k === 'repeat' && n.max !== n.min && nullable(n.sub) && !onlyEmpty(n.sub) && !emptyLast(n.sub)) {
    throw new GoRegexUnsupported('a repetition whose body can match the empty string before a non-empty string');
  }
  for (const sub of children(n)) checkEmptyIterations(sub);
}

/** Groups that may be skipped in some iteration of an enclosing loop (check 2). */
function checkLoopCaptures(n: Node, inLoop: boolean, conditional: boolean): void {
  switch (n.k) {
    case 'capture':
      if (inLoop && conditional) throw new GoRegexUnsupported('a capture group that a repeated part of the pattern may skip');
      return checkLoopCaptures(n.sub, inLoop, conditional);
    case 'repeat': {
      const loops = n.max === -1 || n.max > 1;
      if (loops && !inLoop) return checkLoopCaptures(n.sub, true, false);
      return checkLoopCaptures(n.sub, inLoop, conditional || n.min === 0);
    }
    case 'alt':
      return n.subs.forEach((s) => checkLoopCaptures(s, inLoop, true));
    case 'concat':
      return n.subs.forEach((s) => checkLoopCaptures(s, inLoop, conditional));
    default:
      return;
  }
}

/** Go's maxSize (128 MB of 40-byte instructions) and maxHeight. */
const MAX_SIZE = Math.floor((128 << 20) / 40);
const MAX_HEIGHT = 1000;

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

export function checkMatchSemantics(root: Node, reportsGroups: boolean): void {
  checkEmptyIterations(root);
  if (reportsGroups) checkLoopCaptures(root, false, false);
}
