/**
 * A small imperative IR in the spirit of OPA's plan IR (v1/ir/ir.go), structured instead of
 * using numbered breaks: a block runs its statements in order and stops at the first statement
 * that fails (undefined lookup, false comparison...); execution then continues after the block
 * in the enclosing one. Values are opaque addresses; a local holding 0 is undefined.
 */

import type { Expr } from '../ast/types.js';

export type Local = number;

/**
 * Where a statement comes from, for the TypeScript evaluator's traces and coverage
 * (src/policy/topdown). Optional and ignored by the wasm backend.
 *  - expr: planned for a body expression (its text; the locals of the variables it reads);
 *  - rule: the block (or default branch) evaluating one rule's body;
 *  - exit: the statement that gives a rule its value (the rule fired).
 */
export type Origin =
  | { kind: 'expr'; loc: Location; text: string; vars: Array<{ name: string; local: Local; loc?: Location }>; expr?: Expr }
  | { kind: 'rule' | 'exit'; loc: Location; name: string };

export interface Location { file: string; line: number; col: number }

/** A constant value: JSON scalars; numbers keep their source text. */
export type Const =
  | { type: 'null' }
  | { type: 'boolean'; value: boolean }
  | { type: 'number'; text: string }
  | { type: 'string'; value: string };

export type Operand = { kind: 'local'; local: Local } | { kind: 'const'; value: Const };

export interface Block {
  stmts: Stmt[];
}

export type Stmt = (
  /** Iterates over an array, object or set (nothing for other values), running `body` per element. */
  | { op: 'scan'; source: Local; key: Local | null; value: Local | null; body: Block }
  /** target = source[key]; fails when undefined. */
  | { op: 'dot'; source: Operand; key: Operand; target: Local }
  | { op: 'equal'; a: Operand; b: Operand }
  | { op: 'notEqual'; a: Operand; b: Operand }
  | { op: 'isDefined'; local: Local }
  | { op: 'isUndefined'; local: Local }
  /** Fails unless the operand is defined and not `false`. */
  | { op: 'truthy'; value: Operand }
  /** Fails when the value is not of the type (and, for arrays/objects, when the length differs). */
  | { op: 'isType'; value: Operand; type: 'array' | 'object' | 'set'; length?: number }
  /** Fails when the body completes; bindings inside never escape. */
  | { op: 'not'; body: Block }
  /** A nested block: its failure only ends itself. */
  | { op: 'block'; body: Block }
  /** Runs the body only when the local is undefined (used for `else` and `default`). */
  | { op: 'ifUndefined'; local: Local; body: Block }
  /** Always fails. */
  | { op: 'fail' }
  /** target = fn(args); fails when the result is undefined. */
  | { op: 'call'; fn: Callee; args: Operand[]; target: Local }
  | { op: 'assign'; target: Local; source: Operand }
  /** Makes the local undefined again. */
  | { op: 'clear'; target: Local }
  /** Assigns, aborting with "var assignment conflict" when already holding a different value. */
  | { op: 'assignOnce'; target: Local; source: Operand; message?: string }
  | { op: 'makeArray'; target: Local; capacity: number }
  | { op: 'makeObject'; target: Local }
  | { op: 'makeSet'; target: Local }
  | { op: 'arrayAppend'; array: Local; value: Operand }
  /** Inserts; with `once`, aborts with "object insert conflict" on a different existing value. */
  | { op: 'objectInsert'; object: Local; key: Operand; value: Operand; once: boolean }
  | { op: 'setAdd'; set: Local; value: Operand }
  /** Copies `source` (an object, or a new one when not an object) with the value at `path` replaced. */
  | { op: 'upsert'; target: Local; source: Local; path: Operand[]; value: Operand }
  /** Returns from the function with the operand's value. */
  | { op: 'return'; value: Operand }
  /** Adds a row to the entrypoint's result set. */
  | { op: 'resultSetAdd'; value: Local }
) & { origin?: Origin };

/** Who a call goes to. */
export type Callee =
  | { kind: 'native'; name: string }
  | { kind: 'host'; name: string; resultIsSet: boolean }
  | { kind: 'func'; name: string };

/** A planned function: params are locals; the result is the `result` local at the end (0 = undefined). */
export interface Func {
  name: string;
  params: Local[];
  body: Block;
  result: Local;
  /** Number of locals used (0..locals-1). */
  locals: number;
  /** Memoise the result per evaluation when called with the evaluation's own input and data. */
  cache?: boolean;
}

/** An entrypoint plan: params are [input, data]; adds rows with resultSetAdd. */
export interface Plan {
  name: string;
  func: Func;
}

export interface Program {
  funcs: Func[];
  plans: Plan[];
  /** Host built-ins used, in id order (the module's builtins() map). */
  hostBuiltins: string[];
}
