import type { Block, Func, Local, Operand, Program, Stmt } from './types.js';

/** A path of object keys under `input`; the empty path is the whole input. */
export type InputPath = readonly string[];

/**
 * The parts of `input` a program can observe, so that the engine can hand the module only those
 * and spare encoding and parsing the rest (tool arguments, request metadata, ...).
 *
 * The analysis must never miss a read: a dropped value the policy does look at would make a rule
 * see `undefined`, and a `not` over it could then allow what should be denied. So it is
 * deliberately coarse. A value counts as read whole as soon as it is used in any way other than
 * looking up a constant string key in it: compared, iterated, passed to a function or built-in,
 * returned, stored, looked up with a computed key. A lookup `input.a.b` records `a.b` (at least
 * its presence is checked). When `input` itself is used whole (`x := input`, `walk(input)`,
 * `input[k]`, `with input.a as ...`), the result is `[[]]`: the whole input.
 *
 * Every function receives the evaluation's input as its first parameter. A function call that
 * passes the caller's own input there is how rules reach each other, not a read; anything else
 * passed there (a `with` replacement) is treated as any other argument.
 */
export function inputPathsRead(program: Program): InputPath[] {
  const reads: Read[] = [];
  for (const func of [...program.funcs, ...program.plans.map((p) => p.func)]) {
    new FuncInputReads(func, reads).collect();
  }
  return minimalPaths(reads);
}

/**
 * A read either needs the whole value at its path, or only that the path exists (a lookup whose
 * result is only looked into further). Presence is kept by any longer path below it, so only
 * presence reads with nothing below them remain, and they keep their value whole: the projection
 * cannot keep a key without its value.
 */
interface Read { path: InputPath; whole: boolean }

/** The leaves of what must be kept: no path in the result lies below another one. */
function minimalPaths(reads: Read[]): InputPath[] {
  const needed = reads.filter((r) => r.whole || !reads.some((o) => isStrictPrefix(r.path, o.path)));
  const sorted = needed.map((r) => r.path).sort((a, b) => a.length - b.length);
  const kept: InputPath[] = [];
  for (const path of sorted) {
    if (kept.some((k) => isPrefix(k, path))) continue;
    kept.push(path);
  }
  return kept.sort(comparePaths);
}

function isStrictPrefix(prefix: InputPath, path: InputPath): boolean {
  return prefix.length < path.length && isPrefix(prefix, path);
}

function isPrefix(prefix: InputPath, path: InputPath): boolean {
  return prefix.length <= path.length && prefix.every((key, i) => path[i] === key);
}

function comparePaths(a: InputPath, b: InputPath): number {
  const sa = JSON.stringify(a);
  const sb = JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

class FuncInputReads {
  /** Locals that hold a value found under input by constant keys, with its path. */
  private readonly paths = new Map<Local, InputPath>();
  private readonly root: Local;

  constructor(private readonly func: Func, private readonly reads: Read[]) {
    this.root = func.params[0]!;
  }

  collect(): void {
    const definitions = countDefinitions(this.func.body);
    // The root stays the input only while nothing assigns to it.
    if ((definitions.get(this.root) ?? 0) === 0) this.paths.set(this.root, []);
    this.findPathLocals(this.func.body, definitions);
    this.visitBlock(this.func.body);
  }

  /**
   * A local is a path local when its only definition is a constant-key lookup in another path
   * local. Lookups can appear before their sources in block order (loops), hence the fixpoint.
   */
  private findPathLocals(body: Block, definitions: Map<Local, number>): void {
    const lookups = constantLookups(body);
    let changed = true;
    while (changed) {
      changed = false;
      for (const { source, key, target } of lookups) {
        if (this.paths.has(target) || definitions.get(target) !== 1) continue;
        const base = this.paths.get(source);
        if (base === undefined) continue;
        this.paths.set(target, [...base, key]);
        changed = true;
      }
    }
  }

  private use(operand: Operand | Local | null): void {
    if (operand === null) return;
    const local = typeof operand === 'number' ? operand : operand.kind === 'local' ? operand.local : undefined;
    if (local === undefined) return;
    const path = this.paths.get(local);
    if (path !== undefined) this.reads.push({ path, whole: true });
  }

  /** Checking that a value exists: for input itself the projection keeps that true anyway. */
  private presence(local: Local): void {
    const path = this.paths.get(local);
    if (path !== undefined && local !== this.root) this.reads.push({ path, whole: false });
  }

  private visitBlock(block: Block): void {
    for (const stmt of block.stmts) this.visit(stmt);
  }

  private visit(s: Stmt): void {
    switch (s.op) {
      case 'dot': return this.visitDot(s);
      case 'scan': this.use(s.source); return this.visitBlock(s.body);
      case 'not':
      case 'block': return this.visitBlock(s.body);
      case 'ifUndefined': this.presence(s.local); return this.visitBlock(s.body);
      case 'isDefined':
      case 'isUndefined': return this.presence(s.local);
      case 'equal':
      case 'notEqual': this.use(s.a); return this.use(s.b);
      case 'truthy':
      case 'isType':
      case 'return': return this.use(s.value);
      case 'call': return this.visitCall(s);
      case 'assign': return this.use(s.source);
      // assignOnce compares the value already held with the new one.
      case 'assignOnce': this.use(s.target); return this.use(s.source);
      case 'arrayAppend': this.use(s.array); return this.use(s.value);
      case 'objectInsert': this.use(s.object); this.use(s.key); return this.use(s.value);
      case 'setAdd': this.use(s.set); return this.use(s.value);
      case 'upsert': this.use(s.source); s.path.forEach((p) => this.use(p)); return this.use(s.value);
      case 'resultSetAdd': return this.use(s.value);
      case 'makeArray':
      case 'makeObject':
      case 'makeSet':
      case 'clear':
      case 'fail':
        return;
    }
  }

  private visitDot(s: Extract<Stmt, { op: 'dot' }>): void {
    const base = s.source.kind === 'local' ? this.paths.get(s.source.local) : undefined;
    const key = constantStringKey(s.key);
    if (base !== undefined && key !== undefined) {
      this.reads.push({ path: [...base, key], whole: false });
      return;
    }
    this.use(s.source);
    this.use(s.key);
  }

  private visitCall(s: Extract<Stmt, { op: 'call' }>): void {
    s.args.forEach((arg, i) => {
      const passesOwnInput = s.fn.kind === 'func' && i === 0 && arg.kind === 'local' && arg.local === this.root;
      if (!passesOwnInput) this.use(arg);
    });
  }
}

function constantStringKey(key: Operand): string | undefined {
  return key.kind === 'const' && key.value.type === 'string' ? key.value.value : undefined;
}

interface ConstantLookup { source: Local; key: string; target: Local }

function constantLookups(block: Block, out: ConstantLookup[] = []): ConstantLookup[] {
  for (const s of block.stmts) {
    if (s.op === 'dot' && s.source.kind === 'local') {
      const key = constantStringKey(s.key);
      if (key !== undefined) out.push({ source: s.source.local, key, target: s.target });
    }
    for (const child of childBlocks(s)) constantLookups(child, out);
  }
  return out;
}

/** How many statements write each local (parameters are not counted). */
function countDefinitions(block: Block, counts = new Map<Local, number>()): Map<Local, number> {
  const define = (l: Local | null): void => {
    if (l !== null) counts.set(l, (counts.get(l) ?? 0) + 1);
  };
  for (const s of block.stmts) {
    for (const target of definedLocals(s)) define(target);
    for (const child of childBlocks(s)) countDefinitions(child, counts);
  }
  return counts;
}

function definedLocals(s: Stmt): Array<Local | null> {
  switch (s.op) {
    case 'scan': return [s.key, s.value];
    case 'dot':
    case 'call':
    case 'assign':
    case 'clear':
    case 'assignOnce':
    case 'makeArray':
    case 'makeObject':
    case 'makeSet':
    case 'upsert':
      return [s.target];
    default:
      return [];
  }
}

function childBlocks(s: Stmt): Block[] {
  switch (s.op) {
    case 'scan':
    case 'not':
    case 'block':
    case 'ifUndefined':
      return [s.body];
    default:
      return [];
  }
}
