import type { Block, Func, Local, Operand, Origin, Stmt } from '../ir/types.js';

/**
 * Builds one IR function: hands out locals, keeps the block being filled, and the scope that maps
 * Rego variables to locals. Planning is continuation-passing, so a nested block (loop body,
 * negation) is filled by running the continuation while it is the current block.
 */
export class FuncBuilder {
  private nextLocal = 0;
  private readonly blocks: Block[];
  readonly scope = new Map<string, Local>();
  readonly params: Local[] = [];
  readonly result: Local;
  input: Local;
  data: Local;
  /** Stamped on every statement emitted while set (see Origin); traces only. */
  origin: Origin | undefined;

  constructor(readonly name: string, extraParams: number) {
    this.input = this.local();
    this.data = this.local();
    this.params.push(this.input, this.data);
    for (let i = 0; i < extraParams; i++) this.params.push(this.local());
    this.result = this.local();
    this.blocks = [{ stmts: [] }];
  }

  local(): Local {
    return this.nextLocal++;
  }

  emit(stmt: Stmt): void {
    if (this.origin && !stmt.origin) stmt.origin = this.origin;
    this.blocks[this.blocks.length - 1]!.stmts.push(stmt);
  }

  /** Runs `fill` with a fresh block as the current one and returns that block. Scope changes inside are undone. */
  nested(fill: () => void): Block {
    const block: Block = { stmts: [] };
    const saved = new Map(this.scope);
    const savedInput = this.input;
    const savedData = this.data;
    const savedOrigin = this.origin;
    this.blocks.push(block);
    try {
      fill();
    } finally {
      this.blocks.pop();
      this.scope.clear();
      for (const [k, v] of saved) this.scope.set(k, v);
      this.input = savedInput;
      this.data = savedData;
      this.origin = savedOrigin;
    }
    return block;
  }

  /** Runs `fill` with `origin` stamped on what it emits. */
  withOrigin(origin: Origin | undefined, fill: () => void): void {
    const saved = this.origin;
    this.origin = origin;
    try {
      fill();
    } finally {
      this.origin = saved;
    }
  }

  /** A local holding the operand's value (constants get a fresh local). */
  toLocal(op: Operand): Local {
    if (op.kind === 'local') return op.local;
    const l = this.local();
    this.emit({ op: 'assign', target: l, source: op });
    return l;
  }

  finish(cache: boolean): Func {
    return { name: this.name, params: this.params, body: this.blocks[0]!, result: this.result, locals: this.nextLocal, cache };
  }
}

export function local(l: Local): Operand {
  return { kind: 'local', local: l };
}
