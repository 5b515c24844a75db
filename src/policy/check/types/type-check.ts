/**
 * OPA's type checker (v1/ast/check.go) over the normalised program, which is already in the shape
 * OPA checks (locals renamed, calls lifted with output variables, bodies reordered for safety):
 * rules are typed in dependency order, each body's variables from what binds them (unification,
 * built-in and function results, the keys of the refs that iterate), a function's parameters from
 * their first uses in its body; a built-in or function whose argument cannot be of a type it
 * accepts is `NAME: invalid argument(s)`; a unification that can never hold is `match error`.
 *
 * What OPA knows and this does not (element types of built-in results, which the catalogue does not
 * record; `undefined ref` against object types) is typed `any` here, which unifies with everything:
 * this checker reports a subset of OPA's type errors, never one OPA would not.
 */
import { refToString } from '../../compiler/ast/terms.js';
import type { Body, CallExpr, Expr, NormalisedProgram, RefTerm, Rule, RuleGroup, Term } from '../../compiler/ast/types.js';
import { lookupBuiltin, type BuiltinSpec, type ValueKind } from '../../builtins/index.js';
import type { CheckDiagnostic } from '../report.js';
import { keysOf, select, unifies, valuesOf } from './relations.js';
import { Scope } from './scope.js';
import { locationKey, type SourceNames } from './source-names.js';
import {
  ANY, BOOLEAN, NULL, NUMBER, STRING, arrayOf, hasNil, objectOf, or, printType, setOf, typeOfKinds, type Type,
} from './type.js';

/** How the catalogue's accepted kinds are printed under `want` (kinds, as the catalogue knows them). */
function printKinds(kinds: readonly ValueKind[]): string {
  if (kinds.includes('any')) return 'any';
  return kinds.length === 1 ? kinds[0]! : `any<${[...kinds].sort().join(', ')}>`;
}

/** JSON text of a scalar key, the form object types key their properties by. */
function scalarJson(t: Term): string | undefined {
  switch (t.type) {
    case 'null': return 'null';
    case 'boolean': return String(t.value);
    case 'number': return JSON.stringify(Number(t.text));
    case 'string': return JSON.stringify(t.value);
    default: return undefined;
  }
}

function isVar(t: Term): t is Extract<Term, { type: 'var' }> {
  return t.type === 'var';
}

/** A function's parameter and result types, each the union over its definitions (OPA's Function.Union). */
interface FunctionType {
  readonly args: readonly Type[];
  readonly result: Type;
}

class ProgramTypes {
  /** Types of rule groups by path (`pkg.p`), and result types of functions. */
  private readonly rules = new Map<string, Type>();
  private readonly functions = new Map<string, FunctionType>();

  constructor(private readonly groups: ReadonlyMap<string, RuleGroup>) {}

  defineRule(path: string, type: Type): void {
    this.rules.set(path, type);
  }

  defineFunction(path: string, type: FunctionType): void {
    this.functions.set(path, type);
  }

  /** A function's type; a function that failed its own check, or is unknown, accepts and returns anything. */
  functionOf(path: readonly string[]): FunctionType | undefined {
    return this.functions.get(path.join('.'));
  }

  /** The rule a `data.a.b...` ref starts with, and the operands after its path; undefined for base data. */
  ruleAt(operands: readonly Term[]): { type: Type; rest: readonly Term[] } | undefined {
    const path: string[] = [];
    for (let i = 0; i < operands.length; i++) {
      const op = operands[i]!;
      if (op.type !== 'string') return undefined;
      path.push(op.value);
      const key = path.join('.');
      if (this.rules.has(key)) return { type: this.rules.get(key)!, rest: operands.slice(i + 1) };
      if (this.groups.has(key)) return undefined;
    }
    return undefined;
  }
}

class BodyChecker {
  readonly errors: CheckDiagnostic[] = [];
  private readonly comprehensions = new Map<Term, Type | undefined>();

  constructor(
    private readonly program: ProgramTypes,
    private readonly names: SourceNames,
  ) {}

  /** Checks a body in `scope`, expression by expression, as OPA's CheckBody does. */
  body(body: Body, scope: Scope): void {
    for (const expr of body) this.expr(expr, scope);
  }

  private expr(expr: Expr, scope: Scope): void {
    this.closures(expr, scope);
    this.bindRefKeys(expr, scope);
    switch (expr.kind) {
      case 'call': this.call(expr, scope); return;
      case 'every': this.every(expr, scope); return;
      default: return;
    }
  }

  private every(expr: Extract<Expr, { kind: 'every' }>, scope: Scope): void {
    const inner = scope.child();
    // OPA leaves the iteration variables untyped and lets their first use type them; `any` is the
    // permissive reading of that (it never refuses what a later use would accept).
    if (expr.key) inner.set(expr.key.name, ANY);
    inner.set(expr.value.name, ANY);
    this.body(expr.body, inner);
  }

  private call(expr: CallExpr, scope: Scope): void {
    const target = expr.target;
    if (target?.kind === 'function') return this.functionCall(expr, target.path, target.arity, scope);
    const name = target?.name;
    if (name === 'eq' && expr.args.length === 2) return this.unification(expr, scope);
    const spec = name === undefined ? undefined : lookupBuiltin(name);
    if (!spec || spec.variadic) return this.bindAll(expr.args, scope);
    this.builtinCall(expr, spec, scope);
  }

  private builtinCall(expr: CallExpr, spec: BuiltinSpec, scope: Scope): void {
    const wants = spec.args.map(typeOfKinds);
    if (spec.result.length > 0) wants.push(typeOfKinds(spec.result));
    if (expr.args.length > wants.length) return this.bindAll(expr.args, scope);
    for (let i = 0; i < expr.args.length; i++) {
      if (this.unify1(expr.args[i]!, wants[i]!, false, scope)) continue;
      // OPA's checker does not see `with` replacing a value or a built-in; it is kept quiet here
      // rather than refuse an expression whose replaced value would have fit.
      if (expr.with.length > 0) return this.bindAll(expr.args, scope);
      this.errors.push({
        code: 'rego_type_error',
        message: `${spec.name}: invalid argument(s)`,
        loc: expr.loc,
        details: {
          have: expr.args.slice(0, spec.args.length).map((a) => printType(this.typeOf(a, scope))),
          want: spec.args.map(printKinds),
        },
      });
      return;
    }
  }

  private functionCall(expr: CallExpr, path: readonly string[], arity: number, scope: Scope): void {
    const fn = this.program.functionOf(path);
    if (fn === undefined) return this.bindAll(expr.args, scope);
    for (let i = 0; i < arity && i < expr.args.length; i++) {
      if (this.unify1(expr.args[i]!, fn.args[i] ?? ANY, false, scope)) continue;
      if (expr.with.length > 0) break;
      this.errors.push({
        code: 'rego_type_error',
        message: `data.${path.join('.')}: invalid argument(s)`,
        loc: expr.loc,
        details: { have: expr.args.slice(0, arity).map((a) => printType(this.typeOf(a, scope))), want: fn.args.map(printType) },
      });
      return;
    }
    const output = expr.args[arity];
    if (output !== undefined && !this.unify1(output, fn.result, false, scope)) this.bindAll([output], scope);
  }

  /** `a = b`: OPA's unify2 (a nil side takes the other side's type). */
  private unification(expr: CallExpr, scope: Scope): void {
    const [a, b] = expr.args as [Term, Term];
    if (this.unify2(a, b, scope) || expr.with.length > 0) return;
    this.errors.push({
      code: 'rego_type_error',
      message: 'match error',
      loc: expr.loc,
      unification: { left: printType(this.typeOf(a, scope)), right: printType(this.typeOf(b, scope)) },
    });
  }

  private unify2(a: Term, b: Term, scope: Scope): boolean {
    const ta = this.typeOf(a, scope);
    const tb = this.typeOf(b, scope);
    const nilA = hasNil(ta);
    const nilB = hasNil(tb);
    if (nilA && !nilB) return this.unify1(a, tb!, false, scope);
    if (nilB && !nilA) return this.unify1(b, ta!, false, scope);
    if (!nilA && !nilB) return unifies(ta, tb);
    if (a.type === 'array' && b.type === 'array') return this.unify2Arrays(a.items, b.items, scope);
    if (a.type === 'object' && b.type === 'object') return this.unify2Objects(a, b, scope);
    if (isVar(a) || isVar(b)) {
      const [v, other] = isVar(a) ? [a, b] : [b, a];
      this.unify1(other, ANY, false, scope);
      return this.unify1(v, this.typeOf(other, scope) ?? ANY, false, scope);
    }
    // Both sides partly unknown in a shape OPA's unify2 does not pair up: bind what is left.
    this.bindAll([a, b], scope);
    return true;
  }

  private unify2Arrays(a: readonly Term[], b: readonly Term[], scope: Scope): boolean {
    if (a.length !== b.length) return false;
    return a.every((x, i) => this.unify2(x, b[i]!, scope));
  }

  private unify2Objects(a: Extract<Term, { type: 'object' }>, b: Extract<Term, { type: 'object' }>, scope: Scope): boolean {
    const keys = (o: typeof a) => new Map(o.entries.flatMap(([k, v]) => { const j = scalarJson(k); return j === undefined ? [] : [[j, v] as const]; }));
    const ka = keys(a);
    const kb = keys(b);
    if (ka.size !== a.entries.length || kb.size !== b.entries.length) { this.bindAll([a, b], scope); return true; }
    if (ka.size !== kb.size || [...ka.keys()].some((k) => !kb.has(k))) return false;
    return [...ka.entries()].every(([k, v]) => this.unify2(v, kb.get(k)!, scope));
  }

  /** OPA's unify1: a term can hold a value of type `want`; unbound variables in it take their part of `want`. */
  private unify1(term: Term, want: Type, union: boolean, scope: Scope): boolean {
    if (term.type === 'var') return this.unifyVar(term.name, want, union, scope);
    const composite = term.type === 'array' || term.type === 'object' || term.type === 'set';
    if (composite && want.kind === 'any') return this.unifyAlternatives(term, want, scope);
    switch (term.type) {
      case 'array': return this.unifyArray(term.items, want, union, scope);
      case 'object': return this.unifyObject(term.entries, want, union, scope);
      case 'set': return want.kind === 'set' && term.items.every((item) => this.unify1(item, want.of ?? ANY, union, scope));
      default: {
        const have = this.typeOf(term, scope);
        return have === undefined || unifies(have, want);
      }
    }
  }

  private unifyVar(name: string, want: Type, union: boolean, scope: Scope): boolean {
    const exist = scope.get(name);
    if (union) {
      scope.set(name, or(exist, want));
      return true;
    }
    if (exist !== undefined) return unifies(exist, want);
    scope.set(name, want);
    return true;
  }

  /** A composite literal fits a union when it fits one of its members, its variables taking the union of their parts. */
  private unifyAlternatives(term: Term, want: Extract<Type, { kind: 'any' }>, scope: Scope): boolean {
    if (want.of.length === 0) {
      this.bindAll([term], scope, true);
      return true;
    }
    let fits = false;
    for (const member of want.of) fits = this.unify1(term, member, true, scope) || fits;
    return fits;
  }

  private unifyArray(items: readonly Term[], want: Type, union: boolean, scope: Scope): boolean {
    if (want.kind !== 'array') return false;
    if (items.length !== want.items.length && want.rest === undefined) return false;
    return items.every((item, i) => this.unify1(item, (i < want.items.length ? want.items[i] : want.rest) ?? ANY, union, scope));
  }

  private unifyObject(entries: ReadonlyArray<[Term, Term]>, want: Type, union: boolean, scope: Scope): boolean {
    if (want.kind !== 'object') return false;
    if (entries.length !== want.props.size && want.rest === undefined) return false;
    return entries.every(([k, v]) => {
      const json = scalarJson(k);
      // OPA types a value under a key that is not constant as `any` (check.go, unify1Object).
      if (json === undefined) {
        this.unify1(v, ANY, union, scope);
        return true;
      }
      const child = want.props.has(json) ? want.props.get(json) : want.rest?.value;
      return child !== undefined && this.unify1(v, child, union, scope);
    });
  }

  /** Gives every still unbound variable in the terms the type `any` (the permissive reading). */
  private bindAll(terms: readonly Term[], scope: Scope, union = false): void {
    for (const t of terms) this.forEachVar(t, (name) => { if (union || scope.get(name) === undefined) scope.set(name, or(scope.get(name), ANY)); });
  }

  private forEachVar(t: Term, visit: (name: string) => void): void {
    switch (t.type) {
      case 'var': visit(t.name); return;
      case 'array': case 'set': t.items.forEach((x) => this.forEachVar(x, visit)); return;
      case 'object': t.entries.forEach(([k, v]) => { this.forEachVar(k, visit); this.forEachVar(v, visit); }); return;
      case 'ref': t.terms.slice(1).forEach((x) => this.forEachVar(x, visit)); return;
      default: return;
    }
  }

  /** OPA's refChecker: a variable that indexes a ref takes the type of the keys there. */
  private bindRefKeys(expr: Expr, scope: Scope): void {
    const terms = expr.kind === 'call' ? expr.args : expr.kind === 'term' ? [expr.term] : expr.kind === 'every' ? [expr.domain] : [];
    for (const t of terms) this.visitRefs(t, scope, expr);
  }

  private visitRefs(t: Term, scope: Scope, expr?: Expr): void {
    switch (t.type) {
      case 'ref':
        if (expr !== undefined && expr.with.length === 0) this.undefinedRef(t, scope);
        this.refKeys(t, scope);
        return;
      case 'array': case 'set': t.items.forEach((x) => this.visitRefs(x, scope, expr)); return;
      case 'object': t.entries.forEach(([k, v]) => { this.visitRefs(k, scope, expr); this.visitRefs(v, scope, expr); }); return;
      default: return;
    }
  }

  /**
   * OPA's `undefined ref` for a constant ref into a rule or a local whose type says nothing can be
   * there: a key its object or array does not have, or any key of a scalar. A local is named as
   * written (from `sourceNames`; without a name it is not reported, as `__local3__` would mean
   * nothing to the author); a union type is given the benefit of the doubt.
   */
  private undefinedRef(ref: RefTerm, scope: Scope): void {
    const target = this.refTarget(ref, scope);
    if (target === undefined) return;
    if (target.rest.some((op) => scalarJson(op) === undefined)) return;
    let current: Type | undefined = target.type;
    for (const op of target.rest) {
      if (current === undefined || current.kind === 'any') return;
      current = select(current, scalarJson(op)!);
    }
    if (current !== undefined) return;
    this.errors.push({ code: 'rego_type_error', message: `undefined ref: ${target.text}`, loc: ref.loc });
  }

  /** The rule or local a ref starts with, the operands after it, and the ref as the author reads it. */
  private refTarget(ref: RefTerm, scope: Scope): { type: Type; rest: readonly Term[]; text: string } | undefined {
    const head = ref.terms[0]!;
    if (head.type !== 'var' || head.name === 'input') return undefined;
    if (head.name === 'data') {
      const rule = this.program.ruleAt(ref.terms.slice(1));
      return rule && { type: rule.type, rest: rule.rest, text: refToString(ref) };
    }
    const type = scope.get(head.name);
    const name = this.names.get(locationKey(head.loc));
    if (type === undefined || name === undefined || name === '_') return undefined;
    return { type, rest: ref.terms.slice(1), text: refToString({ ...ref, terms: [{ ...head, name }, ...ref.terms.slice(1)] }) };
  }

  private refKeys(ref: RefTerm, scope: Scope): void {
    for (let i = 1; i < ref.terms.length; i++) {
      const op = ref.terms[i]!;
      if (op.type === 'ref') this.refKeys(op, scope);
      if (op.type !== 'var' || scope.get(op.name) !== undefined) continue;
      const prefix = this.refType({ ...ref, terms: ref.terms.slice(0, i) }, scope);
      scope.set(op.name, keysOf(prefix) ?? ANY);
    }
  }

  /** Checks the comprehensions of an expression (their errors are the expression's), typing each once. */
  private closures(expr: Expr, scope: Scope): void {
    const terms = expr.kind === 'call' ? expr.args : expr.kind === 'term' ? [expr.term] : [];
    for (const t of terms) this.visitClosures(t, scope);
  }

  private visitClosures(t: Term, scope: Scope): void {
    switch (t.type) {
      case 'arraycomprehension': case 'setcomprehension': case 'objectcomprehension': this.comprehension(t, scope); return;
      case 'array': case 'set': t.items.forEach((x) => this.visitClosures(x, scope)); return;
      case 'object': t.entries.forEach(([k, v]) => { this.visitClosures(k, scope); this.visitClosures(v, scope); }); return;
      default: return;
    }
  }

  private comprehension(t: Extract<Term, { type: 'arraycomprehension' | 'setcomprehension' | 'objectcomprehension' }>, scope: Scope): Type | undefined {
    if (this.comprehensions.has(t)) return this.comprehensions.get(t);
    const inner = scope.child();
    const before = this.errors.length;
    this.body(t.body, inner);
    let type: Type | undefined;
    if (this.errors.length === before) {
      if (t.type === 'arraycomprehension') type = arrayOf([], this.typeOf(t.term, inner) ?? ANY);
      else if (t.type === 'setcomprehension') type = setOf(this.typeOf(t.term, inner) ?? ANY);
      else type = objectOf(new Map(), { key: this.typeOf(t.key, inner) ?? ANY, value: this.typeOf(t.value, inner) ?? ANY });
    }
    this.comprehensions.set(t, type);
    return type;
  }

  /** OPA's TypeEnv.GetByValue. */
  typeOf(t: Term, scope: Scope): Type | undefined {
    switch (t.type) {
      case 'null': return NULL;
      case 'boolean': return BOOLEAN;
      case 'number': return NUMBER;
      case 'string': case 'templatestring': return STRING;
      case 'var': return scope.get(t.name);
      case 'ref': return this.refType(t, scope);
      case 'array': return arrayOf(t.items.map((x) => this.typeOf(x, scope)), t.items.length === 0 ? ANY : undefined);
      case 'set': return setOf(t.items.length === 0 ? ANY : t.items.map((x) => this.typeOf(x, scope)).reduce<Type | undefined>((a, b) => or(a, b), undefined));
      case 'object': return this.objectType(t, scope);
      case 'arraycomprehension': case 'setcomprehension': case 'objectcomprehension': return this.comprehension(t, scope);
      default: return undefined;
    }
  }

  private objectType(t: Extract<Term, { type: 'object' }>, scope: Scope): Type {
    const props = new Map<string, Type | undefined>();
    let rest: { key: Type | undefined; value: Type | undefined } | undefined;
    for (const [k, v] of t.entries) {
      const json = scalarJson(k);
      if (json !== undefined) props.set(json, this.typeOf(v, scope));
      else rest = { key: this.typeOf(k, scope), value: this.typeOf(v, scope) };
    }
    if (props.size === 0 && rest === undefined) rest = { key: ANY, value: ANY };
    return objectOf(props, rest);
  }

  /** A ref's type: its head's, then each operand selects (a constant) or ranges over the values. */
  private refType(ref: RefTerm, scope: Scope): Type {
    const head = ref.terms[0]!;
    const rest = ref.terms.slice(1);
    if (head.type !== 'var') return ANY;
    if (head.name === 'input') return ANY;
    if (head.name === 'data') {
      const rule = this.program.ruleAt(rest);
      return rule === undefined ? ANY : this.selectRef(rule.type, rule.rest);
    }
    const t = scope.get(head.name);
    return t === undefined ? ANY : this.selectRef(t, rest);
  }

  private selectRef(t: Type, operands: readonly Term[]): Type {
    let current: Type | undefined = t;
    for (const op of operands) {
      if (current === undefined) return ANY;
      const json = scalarJson(op);
      current = json === undefined ? valuesOf(current) : select(current, json);
    }
    return current ?? ANY;
  }
}

/** The rules of a group with their else chains and default, each to be typed on its own. */
function definitions(group: RuleGroup): Rule[] {
  const out: Rule[] = [];
  for (const first of group.rules) for (let r: Rule | undefined = first; r; r = r.else) out.push(r);
  if (group.default) out.push(group.default);
  return out;
}

/** A rule's contribution to its group's type, once its body is checked. */
function ruleType(rule: Rule, group: RuleGroup, checker: BodyChecker, scope: Scope): Type | undefined {
  const head = rule.head;
  if (group.kind === 'object') return objectOf(new Map(), { key: ANY, value: ANY });
  if (head.kind === 'set') {
    const key = head.key === undefined ? undefined : checker.typeOf(head.key, scope);
    return key === undefined ? undefined : setOf(key);
  }
  return head.value === undefined ? BOOLEAN : checker.typeOf(head.value, scope);
}

/** OPA's mergeTypes for the definitions of one rule: sets merge their element types, the rest unite. */
function merge(a: Type | undefined, b: Type | undefined): Type | undefined {
  if (a?.kind === 'set' && b?.kind === 'set') return setOf(or(a.of, b.of));
  return or(a, b);
}

/** What a definition's body made of its parameters: OPA types one the body never uses as `any`. */
function parameterTypes(rule: Rule, checker: BodyChecker, scope: Scope): Type[] {
  return (rule.head.args ?? []).map((arg) => {
    const t = checker.typeOf(arg, scope);
    return t === undefined || hasNil(t) ? ANY : t;
  });
}

function unionFunctions(a: FunctionType | undefined, b: FunctionType): FunctionType {
  if (a === undefined) return b;
  return { args: b.args.map((t, i) => or(a.args[i], t) ?? ANY), result: or(a.result, b.result) ?? ANY };
}

/**
 * `rego_type_error`s of a normalised program (see the file comment). `names`: where the parsed
 * modules' variables are written (sourceNames), so that errors about locals name them as written.
 */
export function typeDiagnostics(program: NormalisedProgram, names: SourceNames = new Map()): CheckDiagnostic[] {
  const types = new ProgramTypes(program.groups);
  const errors: CheckDiagnostic[] = [];
  for (const [path, group] of program.groups) {
    let type: Type | undefined;
    let fn: FunctionType | undefined;
    let failed = false;
    for (const rule of definitions(group)) {
      const checker = new BodyChecker(types, names);
      const scope = new Scope();
      checker.body(rule.body, scope);
      errors.push(...checker.errors);
      failed ||= checker.errors.length > 0;
      const t = ruleType(rule, group, checker, scope);
      const known = t === undefined || hasNil(t) ? undefined : t;
      if (group.kind === 'function') fn = unionFunctions(fn, { args: parameterTypes(rule, checker, scope), result: known ?? ANY });
      else type = merge(type, known);
    }
    // As OPA does, a rule with an error is `any` to its callers, so one mistake is reported once.
    if (failed) continue;
    if (fn !== undefined) types.defineFunction(path, fn);
    else if (type !== undefined) types.defineRule(path, type);
  }
  return errors;
}
