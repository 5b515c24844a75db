import type {
  Body, CallTarget, Expr, Location, Module, NormalisedProgram, NormalisedQuery, RefTerm, Rule, RuleGroup, Term, VarTerm,
} from '../ast/index.js';
import { CompileError, exprToString } from '../ast/index.js';
import type { Callee, Const, Func, Local, Operand, Origin, Program, Stmt } from '../ir/types.js';
import { lookupBuiltin } from '../../builtins/index.js';
import { isNativeBuiltin } from '../wasm/native-builtins.js';
import { FuncBuilder, local } from './func-builder.js';
import { buildRuleTree, constKey, findNode, pathsOverlap, type TreeNode } from './rule-tree.js';

type K = () => void;
type KOp = (op: Operand) => void;

/**
 * What a `with` put in place of a function or built-in:
 *  - function: another function or built-in (a ref to it), called with the same arguments;
 *  - value: a constant, planned where the call is;
 *  - local: any other value (a local variable, a comprehension, a ref to a document). As OPA
 *    evaluates such a value before the expression that carries the `with` (ast/compile.go
 *    rewriteWithModifiers), it is computed at the `with` and held in a local of the function
 *    being planned; rule and function plans made under it receive it as an extra parameter.
 */
type Mock =
  | { kind: 'function'; term: Term }
  | { kind: 'value'; term: Term }
  | { kind: 'local'; local: Local };

/** What `with` replaced for the rules planned under it: base-data paths and mocked functions. */
interface Context {
  key: string;
  overridden: string[][];
  mocks: Map<string, Mock>;
}

const ROOT_CONTEXT: Context = { key: '', overridden: [], mocks: new Map() };

export interface EntrypointRequest {
  name: string;
  path: string[];
}

function unsupported(loc: Location, message: string): CompileError {
  return new CompileError([{ code: 'rego_unsupported_error', message, loc }]);
}

function str(value: string): Operand {
  return { kind: 'const', value: { type: 'string', value } };
}

const TRUE: Operand = { kind: 'const', value: { type: 'boolean', value: true } };

export interface PlanOptions {
  /**
   * Let built-ins that need the network (http.send, net.lookup_ip_addr) compile; the host that
   * loads the module must then supply them as custom built-ins. Off by default: a policy calling
   * them is a compile error.
   */
  allowNetwork?: boolean;
}

/** Built-ins that reach the network: a policy may call them only when the build allows it. */
export const NETWORK_BUILTINS: ReadonlySet<string> = new Set(['http.send', 'net.lookup_ip_addr']);

/** Normalised AST -> IR program with one plan per entrypoint and per query. */
export function planProgram(program: NormalisedProgram, entrypoints: EntrypointRequest[], queries: NormalisedQuery[], options: PlanOptions = {}): Program {
  return new Planner(program, options).run(entrypoints, queries);
}

class Planner {
  private readonly tree: TreeNode;
  private readonly funcs: Func[] = [];
  private readonly planned = new Map<string, string>();
  private readonly hostIds = new Map<string, number>();
  private f!: FuncBuilder;
  private bodyFuncs = 0;
  private ctx: Context = ROOT_CONTEXT;

  constructor(private readonly program: NormalisedProgram, private readonly options: PlanOptions = {}) {
    this.tree = buildRuleTree(program.groups.values(), program.modules.map(packagePath));
  }

  run(entrypoints: EntrypointRequest[], queries: NormalisedQuery[]): Program {
    const plans: Program['plans'] = [];
    for (const ep of entrypoints) plans.push({ name: ep.name, func: this.planEntrypoint(ep) });
    for (const q of queries) plans.push({ name: q.name, func: this.planQuery(q) });
    return { funcs: this.funcs, plans, hostBuiltins: [...this.hostIds.keys()] };
  }

  // ---- plans ----

  private inFunc(f: FuncBuilder, ctx: Context, fill: () => void): void {
    const savedF = this.f;
    const savedCtx = this.ctx;
    this.f = f;
    this.ctx = ctx;
    try {
      fill();
    } finally {
      this.f = savedF;
      this.ctx = savedCtx;
    }
  }

  private planEntrypoint(ep: EntrypointRequest): Func {
    const f = new FuncBuilder(`plan_${ep.name}`, 0);
    const loc: Location = { file: '<entrypoint>', line: 1, col: 1 };
    this.inFunc(f, ROOT_CONTEXT, () => {
      this.planDataRef(ep.path.map((p) => ({ type: 'string', value: p, loc }) as Term), loc, (v) => {
        const row = f.local();
        f.emit({ op: 'makeObject', target: row });
        f.emit({ op: 'objectInsert', object: row, key: str('result'), value: v, once: false });
        f.emit({ op: 'resultSetAdd', value: row });
      });
    });
    return f.finish(false);
  }

  private planQuery(q: NormalisedQuery): Func {
    const f = new FuncBuilder(`query_${q.name}`, 0);
    this.inFunc(f, ROOT_CONTEXT, () => {
      this.planBody(q.body, 0, () => {
        const row = f.local();
        f.emit({ op: 'makeObject', target: row });
        for (const name of q.vars) {
          if (name.startsWith('__local') || name === '_') continue;
          const l = f.scope.get(name);
          if (l !== undefined) f.emit({ op: 'objectInsert', object: row, key: str(name), value: local(l), once: false });
        }
        f.emit({ op: 'resultSetAdd', value: row });
      });
    });
    return f.finish(false);
  }

  // ---- rule groups ----

  private groupFunc(group: RuleGroup): string {
    const key = `${this.ctx.key}|${group.path.join('.')}`;
    const existing = this.planned.get(key);
    if (existing) return existing;
    const name = `${group.kind === 'function' ? 'fn' : 'g'}${this.planned.size}_${group.path.join('_')}`.slice(0, 80);
    this.planned.set(key, name);
    const arity = group.kind === 'function' ? (group.arity ?? 0) : 0;
    const passed = localMocks(this.ctx);
    const f = new FuncBuilder(name, arity + passed.length);
    this.inFunc(f, remapMockLocals(this.ctx, passed, f.params.slice(2 + arity)), () => this.planGroupBody(group));
    // A rule's value then depends on the mock values it is handed, not only on input and data.
    this.funcs.push(f.finish(group.kind !== 'function' && passed.length === 0));
    return name;
  }

  /** Values of the `with` replacements held in locals, passed to plans made under them (see Mock). */
  private mockArgs(): Operand[] {
    return localMocks(this.ctx).map(local);
  }

  private planGroupBody(group: RuleGroup): void {
    const f = this.f;
    if (group.kind === 'set') f.emit({ op: 'makeSet', target: f.result });
    if (group.kind === 'object') f.emit({ op: 'makeObject', target: f.result });
    for (const rule of group.rules) this.planRuleChain(group, rule);
    if (group.default) {
      const def = group.default;
      const body = f.nested(() => {
        if (group.kind === 'function') this.bindArgs(def, 0, () => this.planValueInto(def, f.result, false));
        else this.planValueInto(def, f.result, false);
      });
      f.emit(withRuleOrigin({ op: 'ifUndefined', local: f.result, body }, def, group));
    }
  }

  /** One rule with its else chain: the first body with a solution gives the value. */
  private planRuleChain(group: RuleGroup, rule: Rule): void {
    const f = this.f;
    if (group.kind === 'set' || group.kind === 'object') {
      if (rule.else) throw unsupported(rule.else.loc, 'else is not allowed on multi-value rules');
      f.emit(withRuleOrigin({ op: 'block', body: f.nested(() => this.planRuleBody(rule, () => this.planContribution(group, rule))) }, rule, group));
      return;
    }
    if (!rule.else) {
      f.emit(withRuleOrigin({ op: 'block', body: f.nested(() => this.planSingleValue(rule, f.result)) }, rule, group));
      return;
    }
    const chainValue = f.local();
    let first = true;
    for (let r: Rule | undefined = rule; r; r = r.else) {
      const current = r;
      const body = f.nested(() => this.planSingleValue(current, chainValue));
      f.emit(withRuleOrigin(first ? { op: 'block', body } : { op: 'ifUndefined', local: chainValue, body }, current, group));
      first = false;
    }
    f.emit({
      op: 'block',
      body: f.nested(() => {
        f.emit({ op: 'isDefined', local: chainValue });
        f.emit({ op: 'assignOnce', target: f.result, source: local(chainValue), message: this.conflictMessage(group) });
      }),
    });
  }

  private conflictMessage(group: { kind: RuleGroup['kind'] }): string {
    return group.kind === 'function'
      ? 'functions must not produce multiple outputs for same inputs (var assignment conflict)'
      : 'complete rules must not produce multiple outputs (var assignment conflict)';
  }

  /**
   * A rule body and its value. When the value is a constant every solution gives the same value,
   * so the body runs in its own function that returns at the first solution instead of
   * enumerating them all (a grant scan stops at the first match).
   */
  private planSingleValue(rule: Rule, target: Local): void {
    const value = rule.head.value;
    if (!value || !isGround(value) || rule.body.length === 0) {
      return this.planRuleBody(rule, () => this.planValueInto(rule, target, true));
    }
    const f = this.f;
    const name = `${f.name}_b${this.bodyFuncs++}`;
    const bf = new FuncBuilder(name, f.params.length - 2);
    this.inFunc(bf, remapMockLocals(this.ctx, f.params, bf.params), () => {
      this.planRuleBody(rule, () => bf.withOrigin(exitOrigin(rule), () => this.planTerm(value, (v) => bf.emit({ op: 'return', value: v }))));
    });
    this.funcs.push(bf.finish(false));
    const out = f.local();
    f.emit({ op: 'call', fn: { kind: 'func', name }, args: f.params.map(local), target: out });
    f.emit({ op: 'assignOnce', target, source: local(out), message: this.conflictMessage(rule.head.kind === 'function' ? { kind: 'function' } : { kind: 'complete' }) });
  }

  private planRuleBody(rule: Rule, k: K): void {
    if (rule.head.kind === 'function') this.bindArgs(rule, 0, () => this.planBody(rule.body, 0, k));
    else this.planBody(rule.body, 0, k);
  }

  /** Unifies function parameters with the rule's argument patterns. */
  private bindArgs(rule: Rule, i: number, k: K): void {
    const args = rule.head.args ?? [];
    if (i >= args.length) return k();
    this.unifyLocal(args[i]!, this.f.params[2 + i]!, () => this.bindArgs(rule, i + 1, k));
  }

  private planValueInto(rule: Rule, target: Local, once: boolean): void {
    const value = rule.head.value;
    if (!value) throw unsupported(rule.loc, 'rule without a value');
    this.f.withOrigin(exitOrigin(rule), () => this.planTerm(value, (v) => {
      if (once) {
        const group = rule.head.kind === 'function' ? 'function' : 'complete';
        this.f.emit({
          op: 'assignOnce', target, source: v,
          message: group === 'function'
            ? 'functions must not produce multiple outputs for same inputs (var assignment conflict)'
            : 'complete rules must not produce multiple outputs (var assignment conflict)',
        });
      } else {
        this.f.emit({ op: 'assign', target, source: v });
      }
    }));
  }

  private planContribution(group: RuleGroup, rule: Rule): void {
    this.f.withOrigin(exitOrigin(rule), () => this.planContributionValue(group, rule));
  }

  private planContributionValue(group: RuleGroup, rule: Rule): void {
    const f = this.f;
    if (group.kind === 'set') {
      const key = rule.head.key;
      if (!key) throw unsupported(rule.loc, 'set rule without a key');
      this.planTerm(key, (v) => f.emit({ op: 'setAdd', set: f.result, value: v }));
      return;
    }
    const keys = rule.head.ref.terms.slice(1 + group.path.length);
    if (keys.length === 0) throw unsupported(rule.loc, 'object rule without a key');
    if (rule.head.kind === 'set') return this.planSetLeafContribution(rule, keys);
    const value = rule.head.value;
    if (!value) throw unsupported(rule.loc, 'object rule without a value');
    this.planTerms(keys, (keyOps) => this.planTerm(value, (v) => {
      let obj = f.result;
      for (let i = 0; i < keyOps.length - 1; i++) {
        const child = f.local();
        f.emit({ op: 'call', fn: { kind: 'native', name: 'regoc.object_child' }, args: [local(obj), keyOps[i]!], target: child });
        obj = child;
      }
      f.emit({ op: 'objectInsert', object: obj, key: keyOps[keyOps.length - 1]!, value: v, once: true });
    }));
  }

  /** `p[x][y] contains z`: z joins the set at p[x][y], objects and the set made on the way. */
  private planSetLeafContribution(rule: Rule, keys: Term[]): void {
    const f = this.f;
    const element = rule.head.key;
    if (!element) throw unsupported(rule.loc, 'set rule without a key');
    this.planTerms(keys, (keyOps) => this.planTerm(element, (v) => {
      let obj = f.result;
      for (let i = 0; i < keyOps.length - 1; i++) {
        const child = f.local();
        f.emit({ op: 'call', fn: { kind: 'native', name: 'regoc.multi_object_child' }, args: [local(obj), keyOps[i]!], target: child });
        obj = child;
      }
      const set = f.local();
      f.emit({ op: 'call', fn: { kind: 'native', name: 'regoc.multi_set_child' }, args: [local(obj), keyOps[keyOps.length - 1]!], target: set });
      f.emit({ op: 'setAdd', set, value: v });
    }));
  }

  // ---- bodies and expressions ----

  private planBody(body: Body, i: number, k: K): void {
    if (i >= body.length) return k();
    this.planExpr(body[i]!, () => this.planBody(body, i + 1, k));
  }

  private planExpr(expr: Expr, k: K): void {
    this.f.withOrigin(this.exprOrigin(expr), () => this.planExprStmts(expr, k));
  }

  /** The expression's text and the locals of the variables it reads that are bound before it. */
  private exprOrigin(expr: Expr): Origin {
    const vars: Array<{ name: string; local: Local; loc: Location }> = [];
    for (const [name, loc] of exprVarNames(expr)) {
      const l = this.f.scope.get(name);
      if (l !== undefined) vars.push({ name, local: l, loc });
    }
    return { kind: 'expr', loc: expr.loc, text: exprToString(expr), vars, expr };
  }

  private planExprStmts(expr: Expr, k: K): void {
    if (expr.with.length > 0) return this.planWith(expr, this.outsideWith(k));
    if (expr.kind === 'some' || expr.kind === 'somein') throw unsupported(expr.loc, '`some` must be normalised before planning');
    if (expr.negated) {
      const f = this.f;
      const body = f.nested(() => this.planPositive(expr, () => undefined));
      f.emit({ op: 'not', body });
      return k();
    }
    this.planPositive(expr, k);
  }

  private planPositive(expr: Expr, k: K): void {
    switch (expr.kind) {
      case 'term':
        return this.planTerm(expr.term, (v) => {
          this.f.emit({ op: 'truthy', value: v });
          k();
        });
      case 'call':
        return this.planCall(expr.operator, expr.args, expr.target, expr.loc, k);
      case 'every':
        return this.planEvery(expr, k);
      default:
        throw unsupported(expr.loc, `unexpected expression kind ${expr.kind}`);
    }
  }

  private planEvery(expr: Extract<Expr, { kind: 'every' }>, k: K): void {
    const f = this.f;
    this.planTerm(expr.domain, (d) => {
      // A domain that cannot be iterated makes `every` fail, as in OPA.
      const domain = f.local();
      f.emit({ op: 'call', fn: { kind: 'native', name: 'regoc.iterable' }, args: [d], target: domain });
      const counterexample = f.local();
      f.emit({ op: 'clear', target: counterexample });
      const keyL = f.local();
      const valL = f.local();
      const scanBody = f.nested(() => {
        if (expr.key) f.scope.set(expr.key.name, keyL);
        f.scope.set(expr.value.name, valL);
        f.emit({ op: 'not', body: f.nested(() => this.planBody(expr.body, 0, () => undefined)) });
        f.emit({ op: 'assign', target: counterexample, source: TRUE });
      });
      f.emit({ op: 'scan', source: domain, key: keyL, value: valL, body: scanBody });
      f.emit({ op: 'isUndefined', local: counterexample });
      k();
    });
  }

  // ---- with ----

  /** The rest of the body runs with the input, data and mocks from before the `with`. */
  private outsideWith(k: K): K {
    const f = this.f;
    const input = f.input;
    const data = f.data;
    const ctx = this.ctx;
    return () => {
      const inner = { input: f.input, data: f.data, ctx: this.ctx };
      f.input = input;
      f.data = data;
      this.ctx = ctx;
      try {
        k();
      } finally {
        f.input = inner.input;
        f.data = inner.data;
        this.ctx = inner.ctx;
      }
    };
  }

  /**
   * Every `with` value is evaluated before any of the expression's replacements applies: OPA
   * rewrites a value that needs evaluation into an assignment placed before the expression
   * (ast/compile.go rewriteWithModifiers), and the others (constants, bound variables) read
   * nothing that a `with` changes. Only a function or built-in put in place of another is not a
   * value. So the values are planned first, in order, and the replacements then apply in order.
   */
  private planWith(expr: Expr, k: K): void {
    const targets = expr.with.map((w) => this.withTarget(w));
    this.planWithValues(expr, targets, [], k);
  }

  private planWithValues(expr: Expr, targets: WithTarget[], values: Array<Operand | undefined>, k: K): void {
    const i = values.length;
    if (i >= expr.with.length) return this.applyWith(expr, targets, values, 0, k);
    const w = expr.with[i]!;
    const target = targets[i]!;
    if (target.kind === 'mock' && (this.isFunctionRef(w.value) || isGround(w.value))) {
      return this.planWithValues(expr, targets, [...values, undefined], k);
    }
    this.planTerm(w.value, (v) => this.planWithValues(expr, targets, [...values, v], k));
  }

  /** What a `with` replaces: input, base data (a path of strings), or a function or built-in. */
  private withTarget(w: Expr['with'][number]): WithTarget {
    const head = w.target.terms[0];
    const rootName = head?.type === 'var' ? head.name : '';
    const pathTerms = w.target.terms.slice(1);
    if (rootName === 'input') return { kind: 'input', path: pathTerms };
    if (rootName === 'data') {
      const path = pathTerms.map((t) => (t.type === 'string' ? t.value : undefined));
      if (path.some((p) => p === undefined)) throw unsupported(w.loc, '`with data...` needs a path of strings');
      const strPath = path as string[];
      if (this.functionAt(strPath)) return { kind: 'mock', name: ['data', ...strPath].join('.') };
      return { kind: 'data', path: strPath };
    }
    return { kind: 'mock', name: [rootName, ...pathTerms.map((t) => (t.type === 'string' ? t.value : '?'))].join('.') };
  }

  private applyWith(expr: Expr, targets: WithTarget[], values: Array<Operand | undefined>, i: number, k: K): void {
    const f = this.f;
    if (i >= expr.with.length) {
      const inner: Expr = { ...expr, with: [] };
      return this.planExpr(inner, k);
    }
    const target = targets[i]!;
    const value = values[i];
    const next = (): void => this.applyWith(expr, targets, values, i + 1, k);
    if (target.kind === 'mock') return this.withMock(target.name, expr.with[i]!.value, value, next);
    if (target.kind === 'input') {
      return this.planTerms(target.path, (path) => {
        const replaced = f.local();
        f.emit({ op: 'upsert', target: replaced, source: f.input, path, value: value! });
        const savedInput = f.input;
        f.input = replaced;
        try {
          next();
        } finally {
          f.input = savedInput;
        }
      });
    }
    const replaced = f.local();
    f.emit({ op: 'upsert', target: replaced, source: f.data, path: target.path.map(str), value: value! });
    const savedData = f.data;
    const savedCtx = this.ctx;
    f.data = replaced;
    if (this.touchesRules(target.path)) this.ctx = this.extendContext({ overridden: [target.path] });
    try {
      next();
    } finally {
      f.data = savedData;
      this.ctx = savedCtx;
    }
  }

  /** `planned`: the value computed before the expression, when it is neither a function nor a constant. */
  private withMock(name: string, value: Term, planned: Operand | undefined, k: K): void {
    const mock: Mock = planned !== undefined
      ? { kind: 'local', local: this.f.toLocal(planned) }
      : this.isFunctionRef(value) ? { kind: 'function', term: value } : { kind: 'value', term: value };
    const savedCtx = this.ctx;
    this.ctx = this.extendContext({ mock: [name, mock] });
    try {
      k();
    } finally {
      this.ctx = savedCtx;
    }
  }

  private extendContext(add: { overridden?: string[][]; mock?: [string, Mock] }): Context {
    const overridden = [...this.ctx.overridden, ...(add.overridden ?? [])];
    const mocks = new Map(this.ctx.mocks);
    if (add.mock) {
      // A replacement of a name already replaced takes the newer one's place in the order of parameters.
      mocks.delete(add.mock[0]);
      mocks.set(add.mock[0], add.mock[1]);
    }
    return { key: contextKey(overridden, mocks), overridden, mocks };
  }

  private touchesRules(path: string[]): boolean {
    for (const g of this.program.groups.values()) if (pathsOverlap(g.path, path)) return true;
    return false;
  }

  private functionAt(path: string[]): RuleGroup | undefined {
    const node = findNode(this.tree, path);
    return node?.group?.kind === 'function' ? node.group : undefined;
  }

  private isOverridden(path: string[]): boolean {
    return this.ctx.overridden.some((p) => pathsOverlap(p, path));
  }

  // ---- calls ----

  private planCall(operator: RefTerm, args: Term[], target: CallTarget | undefined, loc: Location, k: K): void {
    const resolved = target ?? this.resolveTarget(operator, args.length, loc);
    const name = resolved.kind === 'builtin' ? resolved.name : ['data', ...stripData(resolved.path)].join('.');
    if (resolved.kind === 'builtin' && (name === 'eq' || name === 'assign')) return this.unify(args[0]!, args[1]!, k);
    if (resolved.kind === 'builtin' && (name === 'print' || name === 'internal.print')) return k();
    const arity = resolved.arity;
    const inputs = args.slice(0, arity);
    const output = args.length > arity ? args[arity] : undefined;
    const relation = resolved.kind === 'builtin' && lookupBuiltin(resolved.name)?.relation === true;
    this.planTerms(inputs, (ops) => {
      const result = this.f.local();
      this.emitCall(resolved, name, ops, result, loc);
      if (output && relation) return this.unifyEach(output, result, k);
      if (output) return this.unifyLocal(output, result, k);
      this.f.emit({ op: 'truthy', value: local(result) });
      k();
    });
  }

  /** Relation built-ins (walk) return every result in one array: each element is one solution. */
  private unifyEach(output: Term, results: Local, k: K): void {
    const f = this.f;
    const el = f.local();
    const body = f.nested(() => this.unifyLocal(output, el, k));
    f.emit({ op: 'scan', source: results, key: null, value: el, body });
  }

  private emitCall(target: CallTarget, name: string, ops: Operand[], result: Local, loc: Location): void {
    const f = this.f;
    const mock = this.ctx.mocks.get(name);
    if (mock?.kind === 'function') {
      const term = mock.term;
      const mockTarget = this.resolveTarget(term.type === 'ref' ? term : { type: 'ref', terms: [term], loc: term.loc }, ops.length, loc);
      const savedCtx = this.ctx;
      // The replacement runs without any mock (as in OPA, a mock never calls another mock).
      this.ctx = { ...this.ctx, mocks: new Map(), key: contextKey(this.ctx.overridden, new Map()) };
      try {
        const mockName = mockTarget.kind === 'builtin' ? mockTarget.name : ['data', ...stripData(mockTarget.path)].join('.');
        return this.emitCall(mockTarget, mockName, ops, result, loc);
      } finally {
        this.ctx = savedCtx;
      }
    }
    // A value in place of a function is the call's result, whatever the arguments.
    if (mock?.kind === 'value') return this.planTerm(mock.term, (v) => f.emit({ op: 'assign', target: result, source: v }));
    if (mock?.kind === 'local') return f.emit({ op: 'assign', target: result, source: local(mock.local) });
    if (target.kind === 'function') {
      const path = stripData(target.path);
      const node = findNode(this.tree, path);
      if (!node?.group) throw unsupported(loc, `unknown function ${name}`);
      const fn = this.groupFunc(node.group);
      f.emit({ op: 'call', fn: { kind: 'func', name: fn }, args: [local(f.input), local(f.data), ...ops, ...this.mockArgs()], target: result });
      return;
    }
    f.emit({ op: 'call', fn: this.builtinCallee(target.name, loc), args: ops, target: result });
  }

  /** A `with` replacement naming a function or built-in (as opposed to a value, such as a rule's). */
  private isFunctionRef(t: Term): boolean {
    const terms = t.type === 'ref' ? t.terms : t.type === 'var' ? [t] : undefined;
    if (!terms) return false;
    const parts: string[] = [];
    for (const x of terms) {
      if (x.type === 'var' && parts.length === 0) parts.push(x.name);
      else if (x.type === 'string') parts.push(x.value);
      else return false;
    }
    if (parts[0] === 'data') return findNode(this.tree, parts.slice(1))?.group?.kind === 'function';
    return !this.f.scope.has(parts[0]!) && lookupBuiltin(parts.join('.')) !== undefined;
  }

  private builtinCallee(name: string, loc: Location): Callee {
    if (isNativeBuiltin(name)) return { kind: 'native', name };
    const spec = lookupBuiltin(name);
    if (!spec) throw unsupported(loc, `unknown built-in ${name}`);
    if (spec.arity > 4) throw unsupported(loc, `built-in ${name} takes more than 4 arguments`);
    if (NETWORK_BUILTINS.has(name) && !this.options.allowNetwork) {
      throw unsupported(loc, `built-in ${name} needs the network, which this build does not allow (allowNetwork)`);
    }
    if (!this.hostIds.has(spec.hostKey)) this.hostIds.set(spec.hostKey, this.hostIds.size);
    return { kind: 'host', name: spec.hostKey, resultIsSet: spec.resultKind === 'set' };
  }

  private resolveTarget(operator: RefTerm, argCount: number, loc: Location): CallTarget {
    const parts: string[] = [];
    for (const t of operator.terms) {
      if (t.type === 'var' && parts.length === 0) parts.push(t.name);
      else if (t.type === 'string') parts.push(t.value);
      else throw unsupported(loc, 'dynamic function calls are not supported');
    }
    if (parts[0] === 'data') {
      const node = findNode(this.tree, parts.slice(1));
      if (!node?.group) throw unsupported(loc, `unknown function ${parts.join('.')}`);
      return { kind: 'function', path: parts.slice(1), arity: node.group.arity ?? argCount };
    }
    const name = parts.join('.');
    const spec = lookupBuiltin(name);
    return { kind: 'builtin', name, arity: spec?.arity ?? argCount };
  }

  // ---- terms ----

  private planTerms(terms: Term[], k: (ops: Operand[]) => void, acc: Operand[] = []): void {
    if (acc.length >= terms.length) return k(acc);
    this.planTerm(terms[acc.length]!, (op) => this.planTerms(terms, k, [...acc, op]));
  }

  private planTerm(t: Term, k: KOp): void {
    const f = this.f;
    switch (t.type) {
      case 'null': return k({ kind: 'const', value: { type: 'null' } });
      case 'boolean': return k({ kind: 'const', value: { type: 'boolean', value: t.value } });
      case 'number': return k({ kind: 'const', value: { type: 'number', text: t.text } });
      case 'string': return k(str(t.value));
      case 'var': return this.planVar(t, k);
      case 'ref': return this.planRef(t, k);
      case 'array':
        return this.planTerms(t.items, (ops) => {
          const a = f.local();
          f.emit({ op: 'makeArray', target: a, capacity: ops.length });
          for (const op of ops) f.emit({ op: 'arrayAppend', array: a, value: op });
          k(local(a));
        });
      case 'set':
        return this.planTerms(t.items, (ops) => {
          const s = f.local();
          f.emit({ op: 'makeSet', target: s });
          for (const op of ops) f.emit({ op: 'setAdd', set: s, value: op });
          k(local(s));
        });
      case 'object':
        return this.planTerms(t.entries.flat(), (ops) => {
          const o = f.local();
          f.emit({ op: 'makeObject', target: o });
          for (let i = 0; i < ops.length; i += 2) f.emit({ op: 'objectInsert', object: o, key: ops[i]!, value: ops[i + 1]!, once: false });
          k(local(o));
        });
      case 'arraycomprehension':
      case 'setcomprehension':
      case 'objectcomprehension':
        return this.planComprehension(t, k);
      case 'call': {
        const out = f.local();
        const outName = `__call_out_${out}__`;
        const outVar: VarTerm = { type: 'var', name: outName, loc: t.loc };
        return this.planCall(t.operator, [...t.args, outVar], t.target ? { ...t.target } : undefined, t.loc, () => {
          k(local(f.scope.get(outName)!));
        });
      }
      case 'templatestring':
        throw unsupported(t.loc, 'template strings must be normalised before planning');
    }
  }

  private planVar(t: VarTerm, k: KOp): void {
    const f = this.f;
    const bound = f.scope.get(t.name);
    if (bound !== undefined) return k(local(bound));
    if (t.name === 'input') {
      f.emit({ op: 'isDefined', local: f.input });
      return k(local(f.input));
    }
    if (t.name === 'data') return this.planDataRef([], t.loc, k);
    throw unsupported(t.loc, `variable ${t.name} is unsafe (not bound before use)`);
  }

  private planComprehension(t: Extract<Term, { type: 'arraycomprehension' | 'setcomprehension' | 'objectcomprehension' }>, k: KOp): void {
    const f = this.f;
    const coll = f.local();
    if (t.type === 'arraycomprehension') f.emit({ op: 'makeArray', target: coll, capacity: 4 });
    if (t.type === 'setcomprehension') f.emit({ op: 'makeSet', target: coll });
    if (t.type === 'objectcomprehension') f.emit({ op: 'makeObject', target: coll });
    const body = f.nested(() => this.planBody(t.body, 0, () => {
      if (t.type === 'arraycomprehension') return this.planTerm(t.term, (v) => f.emit({ op: 'arrayAppend', array: coll, value: v }));
      if (t.type === 'setcomprehension') return this.planTerm(t.term, (v) => f.emit({ op: 'setAdd', set: coll, value: v }));
      this.planTerm(t.key, (key) => this.planTerm(t.value, (v) => f.emit({ op: 'objectInsert', object: coll, key, value: v, once: true })));
    }));
    f.emit({ op: 'block', body });
    k(local(coll));
  }

  // ---- refs ----

  private planRef(t: RefTerm, k: KOp): void {
    const [head, ...ops] = t.terms;
    if (!head) throw unsupported(t.loc, 'empty reference');
    if (head.type === 'var' && head.name === 'data' && !this.f.scope.has('data')) return this.planDataRef(ops, t.loc, k);
    this.planTerm(head, (base) => this.walk(this.f.toLocal(base), ops, 0, k));
  }

  /**
   * Follows ref operands from a value: constants and bound vars look up, unbound vars iterate.
   * `stored`: the value is base data, where OPA's store looks keys up by their text.
   */
  private walk(base: Local, ops: Term[], i: number, k: KOp, stored = false): void {
    const f = this.f;
    if (i >= ops.length) return k(local(base));
    const op = ops[i]!;
    if (op.type === 'var' && !f.scope.has(op.name) && op.name !== 'input' && op.name !== 'data') {
      const keyL = f.local();
      const valL = f.local();
      const body = f.nested(() => {
        f.scope.set(op.name, keyL);
        this.walk(valL, ops, i + 1, k, stored);
      });
      f.emit({ op: 'scan', source: base, key: keyL, value: valL, body });
      return;
    }
    if ((op.type === 'array' || op.type === 'object') && this.hasUnbound(op)) {
      const keyL = f.local();
      const valL = f.local();
      const body = f.nested(() => this.unifyLocal(op, keyL, () => this.walk(valL, ops, i + 1, k, stored)));
      f.emit({ op: 'scan', source: base, key: keyL, value: valL, body });
      return;
    }
    this.planTerm(op, (key) => {
      const next = f.local();
      const constString = key.kind === 'const' && key.value.type === 'string';
      if (stored && !constString) f.emit({ op: 'call', fn: { kind: 'native', name: 'regoc.data_dot' }, args: [local(base), key], target: next });
      else f.emit({ op: 'dot', source: local(base), key, target: next });
      this.walk(next, ops, i + 1, k, stored);
    });
  }

  /** `data` refs: rules where the path reaches a rule group, base data elsewhere, merged documents in between. */
  private planDataRef(ops: Term[], loc: Location, k: KOp): void {
    this.planDataFrom(this.tree, ops, 0, loc, k);
  }

  /** planDataRef from a tree node that ops[0..from) lead to. */
  private planDataFrom(start: TreeNode, ops: Term[], from: number, loc: Location, k: KOp): void {
    const f = this.f;
    let node = start;
    let i = from;
    for (; i < ops.length; i++) {
      if (node.group) break;
      const op = ops[i]!;
      const opKey = scalarKey(op);
      if (opKey === undefined) break;
      const child = node.children.get(opKey);
      if (!child) {
        // Past the rules: only base data can hold this path.
        return this.walk(f.data, ops, 0, k, true);
      }
      node = child;
    }
    if (this.isOverridden(node.path) || (node === this.tree && node.children.size === 0)) {
      return this.walk(f.data, ops, 0, k, true);
    }
    if (node.group) {
      if (node.group.kind === 'function') throw unsupported(loc, `function ${['data', ...node.path].join('.')} referenced without arguments`);
      const fn = this.groupFunc(node.group);
      const v = f.local();
      f.emit({ op: 'call', fn: { kind: 'func', name: fn }, args: [local(f.input), local(f.data), ...this.mockArgs()], target: v });
      return this.walk(v, ops, i, k);
    }
    if (i < ops.length && !this.hasUnbound(ops[i]!)) return this.planDataDispatch(node, ops, i, loc, k);
    const doc = this.virtualDoc(node);
    this.walk(doc, ops, i, k);
  }

  /**
   * `data` below a tree node looked up by a key known only at run time (`data[first].allow`): as
   * OPA's planner does, each rule child is taken on its own when the key is its name, and base data
   * serves any other key, so the document of the whole node is never built. It may hold the rule
   * being evaluated, which then called itself without end (OPA issue 7399).
   */
  private planDataDispatch(node: TreeNode, ops: Term[], i: number, loc: Location, k: KOp): void {
    const f = this.f;
    const children = [...node.children.values()].filter((c) => c.group?.kind !== 'function');
    this.planTerm(ops[i]!, (key) => {
      for (const child of children) {
        f.emit({
          op: 'block',
          body: f.nested(() => {
            f.emit({ op: 'equal', a: key, b: { kind: 'const', value: child.key } });
            this.planDataChild(child, ops, i, loc, k);
          }),
        });
      }
      // A key no rule defines: base data alone.
      f.emit({
        op: 'block',
        body: f.nested(() => {
          for (const child of children) f.emit({ op: 'notEqual', a: key, b: { kind: 'const', value: child.key } });
          this.walk(f.data, ops, 0, k, true);
        }),
      });
    });
  }

  /** The dispatch's branch for one child (ops[i] equals its key): as virtualDoc would read it. */
  private planDataChild(child: TreeNode, ops: Term[], i: number, loc: Location, k: KOp): void {
    const f = this.f;
    if (this.isOverridden(child.path) || !child.group) return this.planDataFrom(child, ops, i + 1, loc, k);
    // Base data wins over a rule of the same name (as in virtualDoc).
    const base = f.local();
    f.emit({ op: 'clear', target: base });
    f.emit({
      op: 'block',
      body: f.nested(() => {
        let cur = f.data;
        for (const seg of child.path) {
          const next = f.local();
          f.emit({ op: 'dot', source: local(cur), key: str(seg), target: next });
          cur = next;
        }
        f.emit({ op: 'assign', target: base, source: local(cur) });
      }),
    });
    f.emit({ op: 'block', body: f.nested(() => { f.emit({ op: 'isDefined', local: base }); this.walk(base, ops, i + 1, k, true); }) });
    f.emit({
      op: 'block',
      body: f.nested(() => {
        f.emit({ op: 'isUndefined', local: base });
        const v = f.local();
        f.emit({ op: 'call', fn: { kind: 'func', name: this.groupFunc(child.group!) }, args: [local(f.input), local(f.data), ...this.mockArgs()], target: v });
        this.walk(v, ops, i + 1, k);
      }),
    });
  }

  /** Builds the document at a tree node: its base data merged with the values of the rules below it. */
  private virtualDoc(node: TreeNode): Local {
    const f = this.f;
    const doc = f.local();
    f.emit({ op: 'makeObject', target: doc });
    f.emit({
      op: 'block',
      body: f.nested(() => {
        let cur = f.data;
        for (const seg of node.path) {
          const next = f.local();
          f.emit({ op: 'dot', source: local(cur), key: str(seg), target: next });
          cur = next;
        }
        f.emit({ op: 'call', fn: { kind: 'native', name: 'regoc.object_copy' }, args: [local(cur)], target: doc });
      }),
    });
    for (const child of node.children.values()) {
      if (child.group?.kind === 'function') continue;
      f.emit({
        op: 'block',
        body: f.nested(() => {
          let v: Local;
          if (this.isOverridden(child.path)) {
            v = f.local();
            let cur = f.data;
            for (const seg of child.path) {
              const next = f.local();
              f.emit({ op: 'dot', source: local(cur), key: str(seg), target: next });
              cur = next;
            }
            v = cur;
          } else if (child.group) {
            // Base data wins over a rule of the same name (as OPA's merged documents do).
            const base = f.local();
            f.emit({ op: 'clear', target: base });
            f.emit({ op: 'block', body: f.nested(() => f.emit({ op: 'dot', source: local(doc), key: { kind: 'const', value: child.key }, target: base })) });
            f.emit({ op: 'isUndefined', local: base });
            v = f.local();
            f.emit({ op: 'call', fn: { kind: 'func', name: this.groupFunc(child.group) }, args: [local(f.input), local(f.data), ...this.mockArgs()], target: v });
          } else {
            v = this.virtualDoc(child);
          }
          f.emit({ op: 'objectInsert', object: doc, key: { kind: 'const', value: child.key }, value: local(v), once: false });
        }),
      });
    }
    return doc;
  }

  // ---- unification ----

  private hasUnbound(t: Term): boolean {
    const f = this.f;
    switch (t.type) {
      case 'var': return t.name !== 'input' && t.name !== 'data' && !f.scope.has(t.name);
      case 'array': case 'set': return t.items.some((x) => this.hasUnbound(x));
      case 'object': return t.entries.some(([a, b]) => this.hasUnbound(a) || this.hasUnbound(b));
      case 'ref': return t.terms.some((x) => this.hasUnbound(x));
      default: return false;
    }
  }

  private isUnboundVar(t: Term): t is VarTerm {
    return t.type === 'var' && this.hasUnbound(t);
  }

  private bindVar(v: VarTerm, op: Operand): void {
    this.f.scope.set(v.name, this.f.toLocal(op));
  }

  private unify(a: Term, b: Term, k: K): void {
    const f = this.f;
    if (this.isUnboundVar(a)) return this.planTerm(b, (op) => { this.bindVar(a, op); k(); });
    if (this.isUnboundVar(b)) return this.planTerm(a, (op) => { this.bindVar(b, op); k(); });
    if (a.type === 'array' && b.type === 'array') {
      if (a.items.length !== b.items.length) { f.emit({ op: 'fail' }); return; }
      return this.unifyPairs(a.items.map((x, i) => [x, b.items[i]!] as [Term, Term]), 0, k);
    }
    if (a.type === 'object' && b.type === 'object' && a.entries.every(([key]) => isGround(key)) && b.entries.every(([key]) => isGround(key))) {
      const bByKey = new Map(b.entries.map(([key, val]) => [termKey(key), val] as const));
      if (a.entries.length !== b.entries.length || a.entries.some(([key]) => !bByKey.has(termKey(key)))) { f.emit({ op: 'fail' }); return; }
      return this.unifyPairs(a.entries.map(([key, val]) => [val, bByKey.get(termKey(key))!] as [Term, Term]), 0, k);
    }
    const aPattern = (a.type === 'array' || a.type === 'object' || a.type === 'set') && this.hasUnbound(a);
    const bPattern = (b.type === 'array' || b.type === 'object' || b.type === 'set') && this.hasUnbound(b);
    if (aPattern && !bPattern) return this.planTerm(b, (op) => this.unifyLocal(a, f.toLocal(op), k));
    if (bPattern) return this.planTerm(a, (op) => this.unifyLocal(b, f.toLocal(op), k));
    this.planTerm(a, (oa) => this.planTerm(b, (ob) => {
      f.emit({ op: 'equal', a: oa, b: ob });
      k();
    }));
  }

  private unifyPairs(pairs: [Term, Term][], i: number, k: K): void {
    if (i >= pairs.length) return k();
    this.unify(pairs[i]![0], pairs[i]![1], () => this.unifyPairs(pairs, i + 1, k));
  }

  /** Unifies a term (possibly a pattern with unbound vars) with a computed value. */
  private unifyLocal(t: Term, value: Local, k: K): void {
    const f = this.f;
    if (this.isUnboundVar(t)) {
      f.scope.set(t.name, value);
      return k();
    }
    if (t.type === 'array' && this.hasUnbound(t)) {
      f.emit({ op: 'isType', value: local(value), type: 'array', length: t.items.length });
      const step = (i: number): void => {
        if (i >= t.items.length) return k();
        const el = f.local();
        f.emit({ op: 'dot', source: local(value), key: { kind: 'const', value: { type: 'number', text: String(i) } }, target: el });
        this.unifyLocal(t.items[i]!, el, () => step(i + 1));
      };
      return step(0);
    }
    if (t.type === 'object' && this.hasUnbound(t)) {
      if (t.entries.some(([key]) => this.hasUnbound(key))) throw unsupported(t.loc, 'object patterns with variable keys are not supported');
      f.emit({ op: 'isType', value: local(value), type: 'object', length: t.entries.length });
      const step = (i: number): void => {
        if (i >= t.entries.length) return k();
        const [key, val] = t.entries[i]!;
        this.planTerm(key, (kop) => {
          const el = f.local();
          f.emit({ op: 'dot', source: local(value), key: kop, target: el });
          this.unifyLocal(val, el, () => step(i + 1));
        });
      };
      return step(0);
    }
    if (t.type === 'set' && this.hasUnbound(t)) throw unsupported(t.loc, 'set patterns with variables are not supported');
    this.planTerm(t, (op) => {
      f.emit({ op: 'equal', a: op, b: local(value) });
      k();
    });
  }
}

function ruleName(rule: Rule): string {
  return refToName(rule.head.ref);
}

function refToName(ref: RefTerm): string {
  return ref.terms.map((t, i) => (t.type === 'var' && i === 0 ? t.name : t.type === 'string' ? `.${t.value}` : t.type === 'var' ? `[${t.name}]` : '[_]')).join('');
}

/** Marks the statement evaluating a rule's body (for traces; the backend ignores it). */
function withRuleOrigin(stmt: Stmt, rule: Rule, group: RuleGroup): Stmt {
  stmt.origin = { kind: 'rule', loc: rule.head.loc, name: group.kind === 'function' ? ['data', ...group.path].join('.') : ruleName(rule) };
  return stmt;
}

function exitOrigin(rule: Rule): Origin {
  return { kind: 'exit', loc: rule.head.loc, name: ruleName(rule) };
}

/**
 * The variables an expression mentions (outside nested comprehension bodies too), each with where it
 * first appears: for a var the compiler generated in place of a call or ref, that is where the
 * replaced term was written, so a failure can show the value under the source text.
 */
function exprVarNames(expr: Expr): Map<string, Location> {
  const names = new Map<string, Location>();
  const term = (t: Term): void => {
    switch (t.type) {
      case 'var': if (t.name !== 'input' && t.name !== 'data' && !names.has(t.name)) names.set(t.name, t.loc); return;
      case 'ref': t.terms.forEach(term); return;
      case 'array': case 'set': t.items.forEach(term); return;
      case 'object': t.entries.forEach(([a, b]) => { term(a); term(b); }); return;
      case 'call': t.args.forEach(term); return;
      default: return;
    }
  };
  if (expr.kind === 'term') term(expr.term);
  if (expr.kind === 'call') expr.args.forEach(term);
  if (expr.kind === 'every') term(expr.domain);
  for (const w of expr.with) term(w.value);
  return names;
}

function scalarKey(t: Term): string | undefined {
  switch (t.type) {
    case 'string': return constKey({ type: 'string', value: t.value });
    case 'number': return constKey({ type: 'number', text: t.text });
    case 'boolean': return constKey({ type: 'boolean', value: t.value });
    case 'null': return constKey({ type: 'null' });
    default: return undefined;
  }
}

function packagePath(m: Module): string[] {
  return m.package.path.terms.slice(1).map((t) => (t.type === 'string' ? t.value : ''));
}

function stripData(path: string[]): string[] {
  return path[0] === 'data' ? path.slice(1) : path;
}

function isGround(t: Term): boolean {
  switch (t.type) {
    case 'null': case 'boolean': case 'number': case 'string': return true;
    case 'array': case 'set': return t.items.every(isGround);
    case 'object': return t.entries.every(([a, b]) => isGround(a) && isGround(b));
    default: return false;
  }
}

/** What a `with` replaces (see Planner.withTarget). */
type WithTarget =
  | { kind: 'input'; path: Term[] }
  | { kind: 'data'; path: string[] }
  | { kind: 'mock'; name: string };

/** The locals holding `with` values (Mock kind local), in the order plans made under them take them. */
function localMocks(ctx: Context): Local[] {
  const out: Local[] = [];
  for (const m of ctx.mocks.values()) if (m.kind === 'local') out.push(m.local);
  return out;
}

/** The context for a function whose parameters `to` receive the caller's locals `from`. */
function remapMockLocals(ctx: Context, from: Local[], to: Local[]): Context {
  const mocks = new Map<string, Mock>();
  for (const [name, m] of ctx.mocks) {
    if (m.kind !== 'local') {
      mocks.set(name, m);
      continue;
    }
    const i = from.indexOf(m.local);
    if (i < 0 || to[i] === undefined) throw new Error(`regoc planner: the value replacing ${name} is not passed to the function`);
    mocks.set(name, { kind: 'local', local: to[i]! });
  }
  return { ...ctx, mocks };
}

/**
 * Plans are specialised per context: the key names the overridden data paths and the mocks. A
 * value held in a local is a parameter, so two `with`s giving different values share one plan.
 */
function contextKey(overridden: string[][], mocks: Map<string, Mock>): string {
  const mockKeys = [...mocks].map(([n, m]) => [n, m.kind, m.kind === 'local' ? '' : termKey(m.term)]);
  return JSON.stringify([overridden.map((p) => p.join('.')), mockKeys]);
}

function termKey(t: Term): string {
  return JSON.stringify(t, (key, v) => (key === 'loc' || key === 'generated' ? undefined : v));
}

export type { Const };
