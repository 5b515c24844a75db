/**
 * Runs a planned program (compiler/ir) in TypeScript, statement for statement as the wasm backend
 * compiles it: a block stops at its first failing statement, a scan runs its body per element,
 * `not` fails when its body completes, conflicts abort the evaluation.
 *
 * Why the plan and not the checked AST: the plan is what the module runs, so one interpretation
 * of it is both the oracle the differential test compares the module with (backend and runtime
 * are checked against a second implementation) and a faithful account of what the module did for
 * traces. The planner stamps each statement with its origin (expression, rule entered, rule
 * fired; ir/types.ts `Origin`), which gives the trace its events and locations.
 */
import type { Block, Callee, Func, Operand, Origin, Program, Stmt } from '../compiler/ir/types.js';
import { isNativeBuiltin } from '../compiler/wasm/native-builtins.js';
import { callHost, callHostByName } from './host.js';
import { exprText } from './explain.js';
import { NATIVES } from './natives.js';
import { EvaluationError } from './errors.js';
import { Num, Obj, RSet, type Value, dot, entries, equal } from './value.js';

export type ExprOrigin = Extract<Origin, { kind: 'expr' }>;
export type RuleOrigin = Extract<Origin, { kind: 'rule' | 'exit' }>;

/** One step of an evaluation, in the spirit of OPA's trace events (Enter, Eval, Fail, Exit). */
export type TraceEvent =
  | { op: 'enter' | 'exit'; depth: number; name: string; loc: RuleOrigin['loc'] }
  | { op: 'eval'; depth: number; text: string; loc: ExprOrigin['loc'] }
  | { op: 'fail'; depth: number; text: string; loc: ExprOrigin['loc']; vars: Array<{ name: string; value: Value | undefined; loc?: ExprOrigin['loc'] }> };

export interface Tracer {
  event(e: TraceEvent): void;
}

export { EvaluationError } from './errors.js';

export interface EvalOptions {
  tracer?: Tracer;
  /** performance.now() value after which the evaluation stops with an EvaluationError. */
  deadline?: number;
}

const OK = 0;
const FAIL = 1;
type Signal = typeof OK | typeof FAIL | { ret: Value | undefined };

type Locals = Array<Value | undefined>;

const STRING_NATIVES_ON_HOST = new Set([
  'contains', 'startswith', 'endswith', 'lower', 'upper', 'concat', 'substring', 'indexof',
  'trim', 'trim_left', 'trim_right', 'trim_space', 'trim_prefix', 'trim_suffix', 'split', 'replace',
]);

export class Interpreter {
  private readonly funcs = new Map<string, Func>();
  private readonly plans = new Map<string, Func>();

  constructor(readonly program: Program) {
    for (const f of program.funcs) this.funcs.set(f.name, f);
    for (const p of program.plans) this.plans.set(p.name, p.func);
  }

  get entrypoints(): string[] {
    return [...this.plans.keys()];
  }

  /** The plan's result set (rows in OPA's order), as the module returns it. */
  evaluate(entrypoint: string, input: Value | undefined, data: Value, options: EvalOptions = {}): RSet {
    const plan = this.plans.get(entrypoint);
    if (!plan) throw new EvaluationError(`unknown entrypoint ${entrypoint}`);
    return new Run(this.funcs, input, data, options).plan(plan);
  }
}

class Run {
  private readonly cache = new Map<string, Value | undefined>();
  private readonly host0 = new Map<string, Value | undefined>();
  private depth = 0;
  private notDepth = 0;
  private steps = 0;
  private rs: RSet = new RSet();

  constructor(
    private readonly funcs: Map<string, Func>,
    private readonly input: Value | undefined,
    private readonly data: Value,
    private readonly options: EvalOptions,
  ) {}

  plan(fn: Func): RSet {
    this.rs = new RSet();
    const locals: Locals = new Array(fn.locals);
    locals[fn.params[0]!] = this.input;
    locals[fn.params[1]!] = this.data;
    this.block(fn.body, locals);
    return this.rs;
  }

  private call(name: string, args: Array<Value | undefined>): Value | undefined {
    const fn = this.funcs.get(name);
    if (!fn) throw new EvaluationError(`unknown function ${name}`);
    const key = fn.cache && args[0] === this.input && args[1] === this.data ? name : undefined;
    if (key !== undefined && this.cache.has(key)) return this.cache.get(key);
    const locals: Locals = new Array(fn.locals);
    fn.params.forEach((p, i) => { locals[p] = args[i]; });
    const signal = this.block(fn.body, locals);
    const result = typeof signal === 'object' ? signal.ret : locals[fn.result];
    if (key !== undefined) this.cache.set(key, result);
    return result;
  }

  private block(b: Block, locals: Locals): Signal {
    let last: Origin | undefined;
    for (const s of b.stmts) {
      if (s.origin !== last) {
        last = s.origin;
        this.announce(s.origin);
      }
      const r = this.stmt(s, locals);
      if (r === OK) continue;
      if (r === FAIL) this.failed(s, locals);
      return r;
    }
    return OK;
  }

  private announce(origin: Origin | undefined): void {
    const tracer = this.options.tracer;
    if (!tracer || !origin) return;
    if (origin.kind === 'expr') tracer.event({ op: 'eval', depth: this.depth, text: exprText(origin.expr, origin.text), loc: origin.loc });
    else if (origin.kind === 'exit') tracer.event({ op: 'exit', depth: Math.max(0, this.depth - 1), name: origin.name, loc: origin.loc });
  }

  private failed(s: Stmt, locals: Locals): void {
    const tracer = this.options.tracer;
    if (!tracer || s.origin?.kind !== 'expr' || this.notDepth > 0) return;
    const vars = s.origin.vars.map((v) => ({ name: v.name, value: locals[v.local], ...(v.loc ? { loc: v.loc } : {}) }));
    tracer.event({ op: 'fail', depth: this.depth, text: exprText(s.origin.expr, s.origin.text), loc: s.origin.loc, vars });
  }

  /** Runs a nested block; a rule's body block is an Enter event and one nesting level deeper. */
  private nested(s: Stmt, body: Block, locals: Locals): Signal {
    const rule = s.origin?.kind === 'rule' ? s.origin : undefined;
    if (rule) {
      this.options.tracer?.event({ op: 'enter', depth: this.depth, name: rule.name, loc: rule.loc });
      this.depth++;
    }
    try {
      const r = this.block(body, locals);
      return typeof r === 'object' ? r : OK;
    } finally {
      if (rule) this.depth--;
    }
  }

  private tick(): void {
    if (this.options.deadline === undefined || ++this.steps % 1024 !== 0) return;
    if (performance.now() > this.options.deadline) throw new EvaluationError('evaluation timed out');
  }

  private op(o: Operand, locals: Locals): Value | undefined {
    if (o.kind === 'local') return locals[o.local];
    const c = o.value;
    switch (c.type) {
      case 'null': return null;
      case 'boolean': return c.value;
      case 'number': return Num.fromConst(c.text);
      case 'string': return c.value;
    }
  }

  private stmt(s: Stmt, locals: Locals): Signal {
    this.tick();
    const v = (o: Operand): Value | undefined => this.op(o, locals);
    switch (s.op) {
      case 'scan': return this.scan(s, locals);
      case 'dot': return (locals[s.target] = dot(v(s.source), v(s.key))) === undefined ? FAIL : OK;
      case 'equal': return defined2(v(s.a), v(s.b), equal) ? OK : FAIL;
      case 'notEqual': return defined2(v(s.a), v(s.b), (a, b) => !equal(a, b)) ? OK : FAIL;
      case 'isDefined': return locals[s.local] === undefined ? FAIL : OK;
      case 'isUndefined': return locals[s.local] === undefined ? OK : FAIL;
      case 'truthy': { const x = v(s.value); return x === undefined || x === false ? FAIL : OK; }
      case 'isType': return isType(v(s.value), s.type, s.length) ? OK : FAIL;
      case 'not': return this.not(s.body, locals);
      case 'block': return this.nested(s, s.body, locals);
      case 'ifUndefined': return locals[s.local] !== undefined ? OK : this.nested(s, s.body, locals);
      case 'fail': return FAIL;
      case 'call': return (locals[s.target] = this.callee(s.fn, s.args.map(v))) === undefined ? FAIL : OK;
      case 'assign': locals[s.target] = v(s.source); return OK;
      case 'clear': locals[s.target] = undefined; return OK;
      case 'assignOnce': {
        const x = v(s.source);
        const cur = locals[s.target];
        if (cur !== undefined && (x === undefined || !equal(cur, x))) throw new EvaluationError(s.message ?? 'var assignment conflict');
        locals[s.target] = x;
        return OK;
      }
      case 'makeArray': locals[s.target] = []; return OK;
      case 'makeObject': locals[s.target] = new Obj(); return OK;
      case 'makeSet': locals[s.target] = new RSet(); return OK;
      case 'arrayAppend': (locals[s.array] as Value[]).push(v(s.value) as Value); return OK;
      case 'objectInsert': return this.objectInsert(locals[s.object] as Obj, v(s.key) as Value, v(s.value) as Value, s.once);
      case 'setAdd': (locals[s.set] as RSet).add(v(s.value) as Value); return OK;
      case 'upsert': locals[s.target] = upsert(locals[s.source], s.path.map((p) => v(p) as Value), 0, v(s.value) as Value); return OK;
      case 'return': return { ret: v(s.value) };
      case 'resultSetAdd': this.rs.add(locals[s.value] as Value); return OK;
    }
  }

  private scan(s: Extract<Stmt, { op: 'scan' }>, locals: Locals): Signal {
    for (const [k, x] of entries(locals[s.source])) {
      if (s.key !== null) locals[s.key] = k;
      if (s.value !== null) locals[s.value] = x;
      const r = this.block(s.body, locals);
      if (typeof r === 'object') return r;
    }
    return OK;
  }

  private not(body: Block, locals: Locals): Signal {
    this.notDepth++;
    let r: Signal;
    try {
      r = this.block(body, locals);
    } finally {
      this.notDepth--;
    }
    if (typeof r === 'object') return r;
    return r === OK ? FAIL : OK;
  }

  private objectInsert(o: Obj, k: Value, x: Value, once: boolean): Signal {
    if (!once) {
      o.put(k, x);
      return OK;
    }
    const old = o.get(k);
    if (old !== undefined && !equal(old, x)) throw new EvaluationError('object insert conflict');
    if (old === undefined) o.put(k, x);
    return OK;
  }

  private callee(fn: Callee, args: Array<Value | undefined>): Value | undefined {
    if (fn.kind === 'func') return this.call(fn.name, args);
    if (args.some((a) => a === undefined)) return undefined;
    const defined = args as Value[];
    if (fn.kind === 'native') {
      if (STRING_NATIVES_ON_HOST.has(fn.name) || !NATIVES.has(fn.name)) {
        if (!isNativeBuiltin(fn.name) && !fn.name.startsWith('regoc.')) throw new EvaluationError(`unknown native built-in ${fn.name}`);
        return callHostByName(fn.name, defined);
      }
      return NATIVES.get(fn.name)!(...defined);
    }
    if (defined.length > 0) return callHost(fn.name, defined, fn.resultIsSet);
    // Argument-less built-ins (time.now_ns, ...) give one value per evaluation, as in the module.
    if (!this.host0.has(fn.name)) this.host0.set(fn.name, callHost(fn.name, [], fn.resultIsSet));
    return this.host0.get(fn.name);
  }
}

function defined2(a: Value | undefined, b: Value | undefined, f: (a: Value, b: Value) => boolean): boolean {
  return a !== undefined && b !== undefined && f(a, b);
}

function isType(x: Value | undefined, type: 'array' | 'object' | 'set', length: number | undefined): boolean {
  if (type === 'array') return Array.isArray(x) && (length === undefined || x.length === length);
  if (type === 'object') return x instanceof Obj && (length === undefined || x.size === length);
  return x instanceof RSet && (length === undefined || x.size === length);
}

/** A copy of `doc` with path[from..] set to v, creating objects on the way (as the runtime's upsert). */
function upsert(doc: Value | undefined, path: Value[], from: number, v: Value): Value {
  if (from >= path.length) return v;
  const key = path[from]!;
  const base = doc instanceof Obj ? doc.copy() : new Obj();
  const child = doc instanceof Obj ? doc.get(key) : undefined;
  base.put(key, upsert(child, path, from + 1, v));
  return base;
}
