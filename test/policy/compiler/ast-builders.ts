import type {
  Body, CallExpr, Expr, Location, NormalisedProgram, NormalisedQuery, RefTerm, Rule, RuleGroup, RuleKind, Term, VarTerm,
} from '../../../src/policy/compiler/ast/index.js';
import { lookupBuiltin } from '../../../src/policy/builtins/index.js';

/** Builders for normalised ASTs, so planner tests do not depend on the parser and checks. */
export const at: Location = { file: 't.rego', line: 1, col: 1 };

export const v = (name: string): VarTerm => ({ type: 'var', name, loc: at });
export const s = (value: string): Term => ({ type: 'string', value, loc: at });
export const n = (text: string | number): Term => ({ type: 'number', text: String(text), loc: at });
export const b = (value: boolean): Term => ({ type: 'boolean', value, loc: at });
export const arr = (...items: Term[]): Term => ({ type: 'array', items, loc: at });
export const set = (...items: Term[]): Term => ({ type: 'set', items, loc: at });
export const obj = (...entries: [Term, Term][]): Term => ({ type: 'object', entries, loc: at });

/** `ref('input', 'a', v('x'))`: strings become string operands. */
export function ref(head: string | Term, ...ops: (string | Term)[]): RefTerm {
  const h = typeof head === 'string' ? v(head) : head;
  return { type: 'ref', terms: [h, ...ops.map((o) => (typeof o === 'string' ? s(o) : o))], loc: at };
}

export function call(name: string, ...args: Term[]): CallExpr {
  const fn = name.startsWith('data.');
  const path = name.split('.').slice(1);
  const arity = fn ? args.length - 1 : (lookupBuiltin(name)?.arity ?? (name === 'eq' ? 2 : args.length));
  return {
    kind: 'call', negated: false, with: [], loc: at,
    operator: ref(name.split('.')[0]!, ...name.split('.').slice(1)),
    args,
    target: fn ? { kind: 'function', path, arity } : { kind: 'builtin', name, arity },
  };
}

/** A function call whose result is tested (no output argument). */
export function test(name: string, ...args: Term[]): CallExpr {
  const c = call(name, ...args);
  if (c.target?.kind === 'function') c.target.arity = args.length;
  return c;
}

export const term = (t: Term): Expr => ({ kind: 'term', term: t, negated: false, with: [], loc: at });
export const not = (e: Expr): Expr => ({ ...e, negated: true });
export const eq = (a: Term, c: Term): Expr => call('eq', a, c);

export function rule(kind: RuleKind, path: string[], opts: { value?: Term; key?: Term; args?: Term[]; body?: Body; keys?: Term[]; else?: Rule; default?: boolean }): Rule {
  return {
    loc: at, file: 't.rego', default: opts.default ?? false, body: opts.body ?? [],
    ...(opts.else ? { else: opts.else } : {}),
    head: {
      loc: at, kind, assign: true,
      ref: ref('data', ...path, ...(opts.keys ?? [])),
      ...(opts.value ? { value: opts.value } : {}),
      ...(opts.key ? { key: opts.key } : {}),
      ...(opts.args ? { args: opts.args } : {}),
    },
  };
}

export function program(groups: RuleGroup[], queries: NormalisedQuery[] = []): NormalisedProgram {
  return { modules: [], groups: new Map(groups.map((g) => [g.path.join('.'), g])), queries };
}

export function group(kind: RuleKind, path: string[], rules: Rule[], extra: Partial<RuleGroup> = {}): RuleGroup {
  return { kind, path, rules, ...extra };
}
