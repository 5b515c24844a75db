/**
 * AST of Rego v1 as produced by the parser (src/policy/compiler/parser) and, after
 * normalisation, by the checks (src/policy/compiler/check). Shapes follow OPA's own AST
 * (v1/ast/term.go, policy.go) so that OPA's compiler stages translate directly.
 *
 * Stability: these types are consumed by the planner. Changes are additive only.
 *
 * NORMALISED FORM (what `checkProgram` hands to the planner; see ./README.md for details):
 *  - Every rule head ref is absolute: `head.ref` starts with the var `data`, then the package
 *    path, then the rule's own ref (`data.pkg.p`, `data.pkg.a.b[x].c`).
 *  - Local variables are renamed to unique `__localN__` names per rule/query (as OPA's
 *    rewriteLocalVars); `:=` becomes `=` (call `eq`); `some` declarations are removed.
 *    Wildcards `_` become fresh `__localN__` vars. Query variables keep their names.
 *  - Calls never nest: every call term in a value position is lifted into its own call
 *    expression whose LAST argument is a fresh output var (`count(x, __local3__)`), placed
 *    before the expression that used it. Call expressions therefore have either `arity`
 *    args (a test: result must be true... or defined-and-not-false) or `arity + 1` args
 *    (the last is the output term, unified with the result).
 *  - Operators are calls with OPA's built-in names: `eq` (=), `equal` (==), `neq`, `lt`,
 *    `lte`, `gt`, `gte`, `plus`, `minus`, `mul`, `div`, `rem`, `or` (|), `and` (&),
 *    `internal.member_2` (`x in xs`), `internal.member_3` (`k, v in xs`).
 *  - Comprehensions and refs: ref operands are vars or scalars or other refs' values lifted
 *    into vars; a ref head is `data`, `input`, or a local var (composite/call heads are
 *    lifted into a var first). Comprehension bodies are normalised recursively.
 *  - `some x in xs` becomes `x = xs[__localN__]`; `some k, v in xs` becomes `v = xs[k]`.
 *  - `every` stays a dedicated expression (kind 'every') with var key/value and a
 *    normalised body; its domain is a var or ref.
 *  - Bodies are reordered for safety (OPA's reorderBodyForSafety): each expression comes
 *    after the expressions binding the variables it reads.
 *  - Call operators carry `target` telling the planner whether it is a built-in or a rule
 *    (function) at an absolute data path.
 */

export interface Location {
  file: string;
  line: number;
  col: number;
}

interface Located {
  loc: Location;
}

export interface NullTerm extends Located {
  type: 'null';
}

export interface BooleanTerm extends Located {
  type: 'boolean';
  value: boolean;
}

/** Numbers keep their source text so that big or precise numbers are not rounded. */
export interface NumberTerm extends Located {
  type: 'number';
  text: string;
}

export interface StringTerm extends Located {
  type: 'string';
  value: string;
}

export interface VarTerm extends Located {
  type: 'var';
  name: string;
}

/**
 * `terms[0]` is the head (a var such as `data`, `input`, a local; or any term for
 * `[1,2][i]`, `f(x).y`), the rest are operands: `a.b[x]` is [var a, string "b", var x].
 */
export interface RefTerm extends Located {
  type: 'ref';
  terms: Term[];
}

export interface ArrayTerm extends Located {
  type: 'array';
  items: Term[];
}

export interface ObjectTerm extends Located {
  type: 'object';
  entries: Array<[Term, Term]>;
}

export interface SetTerm extends Located {
  type: 'set';
  items: Term[];
}

/** Call target, filled in by the checks: a built-in by name or a function rule by data path. */
export type CallTarget =
  | { kind: 'builtin'; name: string; arity: number }
  | { kind: 'function'; path: string[]; arity: number };

/** A call in term position (`count(x)`); `operator` is a ref such as `count`, `array.concat`, `data.lib.f`. */
export interface CallTerm extends Located {
  type: 'call';
  operator: RefTerm;
  args: Term[];
  target?: CallTarget;
}

export interface ArrayComprehensionTerm extends Located {
  type: 'arraycomprehension';
  term: Term;
  body: Body;
}

export interface SetComprehensionTerm extends Located {
  type: 'setcomprehension';
  term: Term;
  body: Body;
}

export interface ObjectComprehensionTerm extends Located {
  type: 'objectcomprehension';
  key: Term;
  value: Term;
  body: Body;
}

/**
 * `$"a {x} b"`: parts are literal strings and embedded expressions (an embedded part may carry
 * `with` modifiers). Only in parsed form: lowered to `internal.template_string` by the checks.
 */
export interface TemplateStringTerm extends Located {
  type: 'templatestring';
  parts: Array<string | Expr>;
}

export type ScalarTerm = NullTerm | BooleanTerm | NumberTerm | StringTerm;

export type Term =
  | ScalarTerm
  | VarTerm
  | RefTerm
  | ArrayTerm
  | ObjectTerm
  | SetTerm
  | CallTerm
  | ArrayComprehensionTerm
  | SetComprehensionTerm
  | ObjectComprehensionTerm
  | TemplateStringTerm;

export type TermType = Term['type'];

/** `with <target> as <value>`; target is a ref rooted at `input`, `data`, or a function/built-in name. */
export interface With extends Located {
  target: RefTerm;
  value: Term;
  /** Set by the checks when the value names a replacement function or built-in (`with count as f`). */
  valueTarget?: CallTarget;
}

interface ExprBase extends Located {
  negated: boolean;
  with: With[];
  /** True for expressions introduced by the compiler (flattening, desugaring). */
  generated?: boolean;
}

/** A term used as a test: `input.allowed`, `x`, `true`. */
export interface TermExpr extends ExprBase {
  kind: 'term';
  term: Term;
}

/**
 * A call used as an expression: `x = y`, `count(xs) > 1` (as `gt(count(xs), 1)`),
 * `f(x)`. `operator` is a ref; operators use OPA's names (eq, assign, equal, plus, ...).
 */
export interface CallExpr extends ExprBase {
  kind: 'call';
  operator: RefTerm;
  args: Term[];
  target?: CallTarget;
}

/** `some x, y` (vars only). Only in parsed form: removed by normalisation. */
export interface SomeVarsExpr extends ExprBase {
  kind: 'some';
  vars: VarTerm[];
}

/** `some x in xs` / `some k, v in xs`. Only in parsed form: rewritten to ref unification. */
export interface SomeInExpr extends ExprBase {
  kind: 'somein';
  key?: Term;
  value: Term;
  domain: Term;
}

/** `every [k,] v in domain { body }`. */
export interface EveryExpr extends ExprBase {
  kind: 'every';
  key?: VarTerm;
  value: VarTerm;
  domain: Term;
  body: Body;
}

export type Expr = TermExpr | CallExpr | SomeVarsExpr | SomeInExpr | EveryExpr;

export type Body = Expr[];

/**
 * Head kinds:
 *  - complete: `p := v`, `p if {}`, `a.b.c := v` (ref ground);
 *  - set: `p contains x` (multi-value);
 *  - object: single-value rule whose ref has a non-ground operand: `p[x] := v`, `a.b[x].c := v`;
 *  - function: `f(x) := v`, `f(x) if {}`.
 */
export type RuleKind = 'complete' | 'set' | 'object' | 'function';

export interface RuleHead extends Located {
  /** As written: `p`, `a.b[x].c` (head var + operands). Absolute (`data.pkg...`) after normalisation. */
  ref: RefTerm;
  kind: RuleKind;
  /** Function parameters. */
  args?: Term[];
  /** Set rules: the element (`contains key`). */
  key?: Term;
  /** Value (complete/object/function rules). `true` (generated) when omitted in source. */
  value?: Term;
  /** `:=` was used (vs `=` or no value). */
  assign: boolean;
}

export interface Rule extends Located {
  default: boolean;
  head: RuleHead;
  /** Empty for rules without body (`p := 1`), meaning "true". */
  body: Body;
  /** `else [= v] [if] { }` chain; each else shares the head ref/args of the first rule. */
  else?: Rule;
  /**
   * Set on a body chained after another rule's body (`p if { a } { b }`): a definition of its own
   * whose head is a copy of the first rule's, located (every node) at its opening `{` as OPA's
   * parseRules does. It follows that rule (or a rule chained to it) in `Module.rules`.
   */
  chained?: boolean;
  /** The module file the rule comes from. */
  file: string;
}

export interface Package extends Located {
  /** Absolute: `data.a.b`. */
  path: RefTerm;
}

export interface Import extends Located {
  /** `data.x.y`, `input.z`, `rego.v1`, `future.keywords.in`. */
  path: RefTerm;
  alias?: string;
}

export interface Module {
  file: string;
  package: Package;
  imports: Import[];
  rules: Rule[];
  /** The module's `#` comments in source order (METADATA annotations are read from them). */
  comments?: Comment[];
}

/** A `#` comment: its text after the `#` and where the `#` is. */
export interface Comment {
  text: string;
  loc: Location;
}

/** A query (`data.test.p = x`) is a body. */
export type Query = Body;

/** JSON-compatible value of a ground term; sets become `RegoSet`. */
export type Value = null | boolean | number | string | Value[] | { [key: string]: Value } | RegoSet;

/** A set of values (sets are not JSON); `items` are distinct and kept in insertion order. */
export interface RegoSet {
  readonly __set: true;
  items: Value[];
}

/**
 * All rules sharing one data path (the ground prefix of their head refs, without `data`).
 * A group has one kind; the checks reject mixtures (conflicting rule kinds).
 */
export interface RuleGroup {
  /** e.g. ['pkg', 'p'] for `package pkg` + `p := 1`; for `a.b[x].c := v` the ground prefix ['pkg','a','b']. */
  path: string[];
  kind: RuleKind;
  /** Non-default rules in source order (each may carry an else chain). */
  rules: Rule[];
  default?: Rule;
  /** Function arity (kind 'function'). */
  arity?: number;
}

/** Output of `checkProgram`: normalised modules, the rule groups by path, normalised queries. */
export interface NormalisedProgram {
  modules: Module[];
  /** Keyed by `path.join('.')`; ordered so that a group comes after the groups it depends on. */
  groups: Map<string, RuleGroup>;
  queries: NormalisedQuery[];
}

export interface NormalisedQuery {
  /** The query text as given (or a name given by the caller). */
  name: string;
  body: Body;
  /** User-visible variables of the query in order of first appearance (result bindings). */
  vars: string[];
}
