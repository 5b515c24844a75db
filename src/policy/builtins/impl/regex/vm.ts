/**
 * A linear-time matcher with Go's own algorithm: the parsed pattern is simplified and compiled to
 * a program as Go's regexp/syntax does (Simplify, then compile with x* of a nullable x as (x+)?),
 * and run by a Pike VM that keeps threads in priority order, drops a thread that reaches an
 * instruction already queued at the same position, and cuts lower-priority threads at a match
 * (leftmost-first). Its answers therefore follow Go where a backtracking engine does not (empty
 * loop iterations, groups kept from earlier iterations), and it never takes more than
 * O(pattern × text) steps. Whether a code point is in a class is asked of atoms.ts.
 */
import type { Assertion, Node } from './syntax.js';

/** Go's simplified tree (regexp/syntax Simplify), over the parser's nodes. */
type Simple =
  | { op: 'fail' }
  | { op: 'empty' }
  | { op: 'rune'; atom: Node }
  | { op: 'assert'; what: Assertion }
  | { op: 'capture'; index: number; sub: Simple }
  | { op: 'star' | 'plus' | 'quest'; greedy: boolean; sub: Simple }
  | { op: 'concat' | 'alt'; subs: Simple[] };

/** Go's simplify1: x** is x*, an empty loop body is empty. */
function simplify1(op: 'star' | 'plus' | 'quest', greedy: boolean, sub: Simple): Simple {
  if (sub.op === 'empty') return sub;
  if (sub.op === op && sub.greedy === greedy) return sub;
  return { op, greedy, sub };
}

function simplify(n: Node): Simple {
  switch (n.k) {
    case 'lit':
    case 'class':
    case 'any':
      return { op: 'rune', atom: n };
    case 'assert':
      return { op: 'assert', what: n.what };
    case 'empty':
      return { op: 'empty' };
    case 'capture':
      return { op: 'capture', index: n.index, sub: simplify(n.sub) };
    case 'concat':
      return { op: 'concat', subs: n.subs.map(simplify) };
    case 'alt':
      return { op: 'alt', subs: n.subs.map(simplify) };
    case 'repeat':
      return simplifyRepeat(n.min, n.max, n.greedy, n.sub);
  }
}

/** x{n,m} as Go expands it: n copies, then nested optional copies (x(x)?)?; x{n,} ends in x+. */
function simplifyRepeat(min: number, max: number, greedy: boolean, node: Node): Simple {
  if (min === 0 && max === 0) return { op: 'empty' };
  const sub = simplify(node);
  if (max === -1) {
    if (min === 0) return simplify1('star', greedy, sub);
    if (min === 1) return simplify1('plus', greedy, sub);
    return { op: 'concat', subs: [...Array<Simple>(min - 1).fill(sub), simplify1('plus', greedy, sub)] };
  }
  if (min === 1 && max === 1) return sub;
  const prefix: Simple[] = Array<Simple>(min).fill(sub);
  if (max > min) {
    let suffix = simplify1('quest', greedy, sub);
    for (let i = min + 1; i < max; i++) suffix = simplify1('quest', greedy, { op: 'concat', subs: [sub, suffix] });
    if (prefix.length === 0) return suffix;
    prefix.push(suffix);
  }
  return prefix.length > 0 ? { op: 'concat', subs: prefix } : { op: 'fail' };
}

// The program, as Go's regexp/syntax Prog.

type Inst =
  | { op: 'fail' }
  | { op: 'alt'; out: number; arg: number }
  | { op: 'nop'; out: number }
  | { op: 'capture'; out: number; slot: number }
  | { op: 'empty'; out: number; what: Assertion }
  | { op: 'rune'; out: number; test: (cp: number) => boolean }
  | { op: 'match' };

/** A hole to patch: instruction index and which field (out or arg). */
type Hole = [number, 'out' | 'arg'];

interface Frag {
  start: number; // 0 = fail, as in Go
  holes: Hole[];
  nullable: boolean;
}

class Compiler {
  readonly insts: Inst[] = [{ op: 'fail' }];
  constructor(private readonly atomTest: (atom: Node) => (cp: number) => boolean) {}

  private add(inst: Inst): number {
    this.insts.push(inst);
    return this.insts.length - 1;
  }

  private patch(holes: Hole[], to: number): void {
    for (const [i, field] of holes) (this.insts[i] as Record<string, unknown>)[field] = to;
  }

  private fail(): Frag {
    return { start: 0, holes: [], nullable: false };
  }

  private single(inst: Inst, nullable: boolean): Frag {
    const i = this.add(inst);
    return { start: i, holes: [[i, 'out']], nullable };
  }

  private cat(f1: Frag, f2: Frag): Frag {
    if (f1.start === 0 || f2.start === 0) return this.fail();
    this.patch(f1.holes, f2.start);
    return { start: f1.start, holes: f2.holes, nullable: f1.nullable && f2.nullable };
  }

  private alt(f1: Frag, f2: Frag): Frag {
    if (f1.start === 0) return f2;
    if (f2.start === 0) return f1;
    const i = this.add({ op: 'alt', out: f1.start, arg: f2.start });
    return { start: i, holes: [...f1.holes, ...f2.holes], nullable: f1.nullable || f2.nullable };
  }

  /**
   * An Alt that prefers entering f1: out when greedy, arg when not, since the VM tries out first.
   * The returned hole is the other branch, the way past f1.
   */
  private altPreferring(f1: Frag, greedy: boolean): Hole {
    const i = this.add(greedy ? { op: 'alt', out: f1.start, arg: 0 } : { op: 'alt', out: 0, arg: f1.start });
    return greedy ? [i, 'arg'] : [i, 'out'];
  }

  private quest(f1: Frag, greedy: boolean): Frag {
    const skip = this.altPreferring(f1, greedy);
    return { start: skip[0], holes: [skip, ...f1.holes], nullable: true };
  }

  /** Go's loop: an Alt whose preferred branch goes back into f1. */
  private loop(f1: Frag, greedy: boolean): Frag {
    const exit = this.altPreferring(f1, greedy);
    this.patch(f1.holes, exit[0]);
    return { start: exit[0], holes: [exit], nullable: false };
  }

  private star(f1: Frag, greedy: boolean): Frag {
    // Go: a nullable body is compiled as (x+)? so that priorities match Perl's (golang.org/issue/46123).
    if (f1.nullable) return this.quest(this.plus(f1, greedy), greedy);
    const l = this.loop(f1, greedy);
    return { ...l, nullable: true };
  }

  private plus(f1: Frag, greedy: boolean): Frag {
    return { start: f1.start, holes: this.loop(f1, greedy).holes, nullable: f1.nullable };
  }

  compile(s: Simple): Frag {
    switch (s.op) {
      case 'fail':
        return this.fail();
      case 'empty':
        return this.single({ op: 'nop', out: 0 }, true);
      case 'rune':
        return this.single({ op: 'rune', out: 0, test: this.atomTest(s.atom) }, false);
      case 'assert':
        return this.single({ op: 'empty', out: 0, what: s.what }, true);
      case 'capture': {
        const bra = this.single({ op: 'capture', out: 0, slot: 2 * s.index }, true);
        const sub = this.compile(s.sub);
        const ket = this.single({ op: 'capture', out: 0, slot: 2 * s.index + 1 }, true);
        return this.cat(this.cat(bra, sub), ket);
      }
      case 'star':
        return this.star(this.compile(s.sub), s.greedy);
      case 'plus':
        return this.plus(this.compile(s.sub), s.greedy);
      case 'quest':
        return this.quest(this.compile(s.sub), s.greedy);
      case 'concat': {
        if (s.subs.length === 0) return this.single({ op: 'nop', out: 0 }, true);
        let f = this.compile(s.subs[0]!);
        for (const sub of s.subs.slice(1)) f = this.cat(f, this.compile(sub));
        return f;
      }
      case 'alt': {
        let f = this.fail();
        for (const sub of s.subs) f = this.alt(f, this.compile(sub));
        return f;
      }
    }
  }
}

export interface Program {
  insts: Inst[];
  start: number;
  /** Number of capture slots: 2 × (groups + 1). */
  slots: number;
  /** Reused run and next queues (see runProgram). */
  queues?: [Queue, Queue];
}

export function compileProgram(root: Node, captures: number, atomTest: (atom: Node) => (cp: number) => boolean): Program {
  const c = new Compiler(atomTest);
  const f = c.compile(simplify(root));
  const match = c.insts.push({ op: 'match' }) - 1;
  if (f.start === 0) return { insts: c.insts, start: 0, slots: 2 * (captures + 1) };
  for (const [i, field] of f.holes) (c.insts[i] as Record<string, unknown>)[field] = match;
  return { insts: c.insts, start: f.start, slots: 2 * (captures + 1) };
}

// The Pike VM (Go's regexp machine.match, add and step).

const isWord = (cp: number): boolean =>
  (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || cp === 0x5f;

/** Go's lazyFlag: the empty-width conditions between code point `before` and `after` (-1 at an edge). */
function holds(what: Assertion, before: number, after: number): boolean {
  switch (what) {
    case 'beginText':
      return before < 0;
    case 'endText':
      return after < 0;
    case 'beginLine':
      return before < 0 || before === 0x0a;
    case 'endLine':
      return after < 0 || after === 0x0a;
    case 'wordBoundary':
      return isWord(before) !== isWord(after);
    case 'noWordBoundary':
      return isWord(before) === isWord(after);
  }
}

interface Entry {
  pc: number;
  cap: number[] | undefined; // a thread waiting at a rune or match instruction
}

class Queue {
  readonly sparse: Int32Array;
  dense: Entry[] = [];
  constructor(size: number) {
    this.sparse = new Int32Array(size);
  }
  has(pc: number): boolean {
    const j = this.sparse[pc]!;
    return j < this.dense.length && this.dense[j]!.pc === pc;
  }
}

function codePointAt(s: string, pos: number): number {
  return pos < s.length ? s.codePointAt(pos)! : -1;
}

/** The code point that ends just before pos, -1 at the start. */
function codePointBefore(s: string, pos: number): number {
  if (pos <= 0) return -1;
  const low = s.charCodeAt(pos - 1);
  if (low >= 0xdc00 && low <= 0xdfff && pos >= 2) {
    const high = s.charCodeAt(pos - 2);
    if (high >= 0xd800 && high <= 0xdbff) return s.codePointAt(pos - 2)!;
  }
  return low;
}

/**
 * The leftmost-first match at or after `from` (Go's doExecute on the whole text from a position):
 * capture slots as UTF-16 offsets (-1 for a group that did not take part), or undefined.
 */
export function runProgram(prog: Program, s: string, from: number): number[] | undefined {
  // The two queues are kept with the program: a search never runs inside another one.
  prog.queues ??= [new Queue(prog.insts.length), new Queue(prog.insts.length)];
  let [runq, nextq] = prog.queues;
  runq.dense = [];
  nextq.dense = [];
  let matched: number[] | undefined;
  const blank = Array<number>(prog.slots).fill(-1);

  const add = (q: Queue, pc0: number, pos: number, cap: number[], before: number, after: number): void => {
    // Iterative form of Go's recursive add, with the same order (out before arg) and restores.
    const stack: [number, number, number][] = [[pc0, -1, 0]]; // [pc, slot to restore, old value]
    while (stack.length > 0) {
      const [pc, restoreSlot, old] = stack.pop()!;
      if (restoreSlot >= 0) {
        cap[restoreSlot] = old;
        continue;
      }
      if (pc === 0 || q.has(pc)) continue;
      const entry: Entry = { pc, cap: undefined };
      q.sparse[pc] = q.dense.length;
      q.dense.push(entry);
      const inst = prog.insts[pc]!;
      switch (inst.op) {
        case 'fail':
          break;
        case 'alt':
          stack.push([inst.arg, -1, 0], [inst.out, -1, 0]);
          break;
        case 'empty':
          if (holds(inst.what, before, after)) stack.push([inst.out, -1, 0]);
          break;
        case 'nop':
          stack.push([inst.out, -1, 0]);
          break;
        case 'capture':
          stack.push([-1, inst.slot, cap[inst.slot]!], [inst.out, -1, 0]);
          cap[inst.slot] = pos;
          break;
        default:
          entry.cap = cap.slice();
      }
    }
  };

  let pos = from;
  let before = codePointBefore(s, pos);
  for (;;) {
    if (runq.dense.length === 0 && matched) break;
    const cp = codePointAt(s, pos);
    const width = cp < 0 ? 0 : cp > 0xffff ? 2 : 1;
    if (!matched) {
      // Go sets the match start by hand; the program has no instruction for group 0.
      const cap = blank.slice();
      cap[0] = pos;
      add(runq, prog.start, pos, cap, before, cp);
    }
    const nextPos = pos + width;
    const after = width === 0 ? -1 : codePointAt(s, nextPos);
    // step
    for (let j = 0; j < runq.dense.length; j++) {
      const t = runq.dense[j]!;
      if (t.cap === undefined) continue;
      const inst = prog.insts[t.pc]!;
      if (inst.op === 'match') {
        t.cap[1] = pos;
        matched = t.cap;
        runq.dense.length = j + 1; // cut off lower-priority threads
        break;
      }
      if (inst.op === 'rune' && cp >= 0 && inst.test(cp)) add(nextq, inst.out, nextPos, t.cap, cp, after);
    }
    runq.dense = [];
    if (width === 0) break;
    before = cp;
    pos = nextPos;
    [runq, nextq] = [nextq, runq];
  }
  return matched;
}
