/**
 * The module as OPA's JSON (encoding/json through the MarshalJSON methods of v1/ast policy.go and
 * term.go, default options: no locations). Nodes are written in the order OPA's parser reads them,
 * because the parser renames each wildcard `_` to `$0`, `$1`, ... from one counter per module
 * (parser.go genwildcard), and that order decides the numbers.
 */
import type { Body, Expr, Import, Module, Rule, RuleHead, TemplateStringTerm, Term, VarTerm, With } from '../../../compiler/ast/types.js';
import { NumberText, type JsonObject, type JsonValue } from '../../value.js';
import { commentsJson } from './comments.js';
import { SourceOffsets, templateHasComment } from './template-source.js';
import { sortTerms } from './term-order.js';

/** Raised for a shape whose OPA JSON is not reproduced; the caller turns it into NotExactError. */
export class UnmappedShapeError extends Error {}

function unmapped(what: string): never {
  throw new UnmappedShapeError(what);
}

/** parseTermFinish turns a bare `input` or `data` into a one-term ref (RootDocumentNames). */
const ROOT_DOCUMENTS = new Set(['input', 'data']);

/** `import future.keywords[.and|.or|.not]` switches on experimental syntax with AST nodes of its own (Not, ...). */
const EXPERIMENTAL_IMPORTS = new Set(['future.keywords', 'future.keywords.and', 'future.keywords.or', 'future.keywords.not']);

/** The generated body `true` (one term expression, index 0). */
const TRUE_BODY = (): JsonValue[] => [{ terms: { type: 'boolean', value: true }, index: 0 }];

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const JSON_NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

const SCALARS = new Set(['string', 'number', 'boolean', 'null']);

/**
 * Go strings hold UTF-8: a lone surrogate from a `\ud800` escape becomes U+FFFD in Go's
 * json.Unmarshal but stays in ours, so such a string is not reproduced.
 */
function goString(s: string): string {
  if (LONE_SURROGATE.test(s)) unmapped('a string with a lone surrogate');
  return s;
}

const isVar = (t: Term | undefined, name?: string): t is VarTerm => t?.type === 'var' && (name === undefined || t.name === name);

export class ModuleEmitter {
  private wildcards = 0;
  private readonly offsets: SourceOffsets;

  constructor(private readonly source: string) {
    this.offsets = new SourceOffsets(source);
  }

  /** Module: package always; imports, rules, comments when non-empty (omitempty). */
  module(mod: Module): JsonObject {
    // OPA reads the module as UTF-8 bytes, where a lone surrogate cannot exist (it became U+FFFD).
    if (LONE_SURROGATE.test(this.source)) unmapped('a module text with a lone surrogate');
    const out: JsonObject = { package: { path: this.term(mod.package.path).value as JsonValue } };
    if (mod.imports.length > 0) out.imports = mod.imports.map((imp) => this.importJson(imp));
    if (mod.rules.length > 0) out.rules = this.rules(mod.rules);
    if ((mod.comments ?? []).length > 0) out.comments = commentsJson(mod.comments!, mod.file, this.source);
    return out;
  }

  private importJson(imp: Import): JsonObject {
    const text = imp.path.terms.map((t) => (t.type === 'var' ? t.name : t.type === 'string' ? t.value : '?')).join('.');
    if (EXPERIMENTAL_IMPORTS.has(text)) unmapped(`import ${text}`);
    const out: JsonObject = { path: this.term(imp.path) };
    if (imp.alias) out.alias = imp.alias;
    return out;
  }

  /** Term.MarshalJSON: {"type", "value"}. */
  term(t: Term): JsonObject {
    switch (t.type) {
      // ast.Null is `struct{}` without MarshalJSON: encoding/json writes an empty object.
      case 'null': return { type: 'null', value: {} };
      case 'boolean': return { type: 'boolean', value: t.value };
      // ast.Number is a json.Number: its text is written as is and read back as that number.
      case 'number':
        // json.Marshal of a json.Number fails on a text that is not a JSON number.
        if (!JSON_NUMBER.test(t.text)) unmapped(`the number ${t.text}`);
        return { type: 'number', value: new NumberText(t.text) as unknown as JsonValue };
      case 'string': return { type: 'string', value: goString(t.value) };
      case 'var': return this.varTerm(t);
      case 'ref': return { type: 'ref', value: t.terms.map((x, i) => (i === 0 ? this.refHead(x) : this.term(x))) };
      case 'array': return { type: 'array', value: t.items.map((x) => this.term(x)) };
      // set.MarshalJSON and object.MarshalJSON write sortedKeys(): elements / pairs in term order.
      case 'set': return { type: 'set', value: sortTerms(t.items.map((x) => this.term(x)), (x) => x) };
      case 'object': {
        const pairs = t.entries.map(([k, v]) => [this.term(k), this.term(v)] as [JsonObject, JsonObject]);
        return { type: 'object', value: sortTerms(pairs, (p) => p[0]) };
      }
      case 'call': return { type: 'call', value: [this.term(t.operator), ...t.args.map((x) => this.term(x))] };
      case 'arraycomprehension':
      case 'setcomprehension':
        return { type: t.type, value: { term: this.term(t.term), body: this.body(t.body) } };
      case 'objectcomprehension':
        return { type: t.type, value: { key: this.term(t.key), value: this.term(t.value), body: this.body(t.body) } };
      case 'templatestring': return { type: 'templatestring', value: this.template(t) };
      default:
        return unmapped(`a ${(t as Term).type} term`);
    }
  }

  /**
   * TemplateString: {"parts", "multi_line"} (backquoted). parseTemplateString keeps non-empty
   * literal parts as string terms, a scalar expression as its term (dropping any `with`) and any
   * other expression as an Expr (index 0); no parts at all marshal as null (a nil slice).
   */
  private template(t: TemplateStringTerm): JsonObject {
    const at = this.offsets.offset(t.loc.line, t.loc.col);
    if (this.source[at] !== '$') unmapped('a template string not found in the source');
    if (templateHasComment(this.source, at)) unmapped('a comment inside a template string');
    const parts: JsonValue = t.parts.length === 1 && t.parts[0] === '' ? null : t.parts.map((p) => this.templatePart(p));
    return { parts, multi_line: this.source[at + 1] === '`' };
  }

  private templatePart(part: string | Expr): JsonValue {
    if (typeof part === 'string') return { type: 'string', value: goString(part) };
    if (part.kind === 'term' && SCALARS.has(part.term.type) && !part.negated) {
      const term = this.term(part.term);
      // The dropped `with` was still parsed: its wildcards took numbers.
      part.with.forEach((w) => this.withJson(w));
      return term;
    }
    return this.expr(part, 0);
  }

  /** A ref's head var is the Var itself (`input.x` is Ref{Var input, ...}), not a nested ref. */
  private refHead(t: Term): JsonObject {
    return isVar(t) && t.name !== '_' ? { type: 'var', value: t.name } : this.term(t);
  }

  private varTerm(t: VarTerm): JsonObject {
    if (t.name === '_') return { type: 'var', value: this.wildcard() };
    if (ROOT_DOCUMENTS.has(t.name)) return { type: 'ref', value: [{ type: 'var', value: t.name }] };
    return { type: 'var', value: t.name };
  }

  /** genwildcard: `$` + the module-wide counter. */
  private wildcard(): string {
    return `$${this.wildcards++}`;
  }

  /** Body.MarshalJSON: an array (never null); each expression's index is its position. */
  private body(body: Body): JsonValue[] {
    return body.map((e, i) => this.expr(e, i));
  }

  /** Expr.MarshalJSON: terms, index; with, generated, negated only when set. */
  private expr(expr: Expr, index: number): JsonObject {
    const out: JsonObject = { terms: this.exprTerms(expr), index };
    if (expr.with.length > 0) out.with = expr.with.map((w) => this.withJson(w));
    if (expr.generated) out.generated = true;
    if (expr.negated) out.negated = true;
    return out;
  }

  private exprTerms(expr: Expr): JsonValue {
    switch (expr.kind) {
      case 'term': return this.term(expr.term);
      case 'call': return [this.term(expr.operator), ...expr.args.map((a) => this.term(a))];
      // SomeDecl.MarshalJSON: {"symbols"}; parseSome reads the names with parseVar (no ref for `input`).
      case 'some': return { symbols: expr.vars.map((v) => (v.name === '_' ? { type: 'var', value: this.wildcard() } : { type: 'var', value: v.name })) };
      // `some x in xs` is SomeDecl{Symbols: [internal.member_2(x, xs)]} (member_3 with a key).
      case 'somein': {
        const member = expr.key ? 'member_3' : 'member_2';
        const args = [...(expr.key ? [expr.key] : []), expr.value, expr.domain].map((a) => this.term(a));
        const op = { type: 'ref', value: [{ type: 'var', value: 'internal' }, { type: 'string', value: member }] };
        return { symbols: [{ type: 'call', value: [op, ...args] }] };
      }
      // Every.MarshalJSON: key (null when absent), value, domain, body.
      case 'every': {
        // parseEvery reads `k, v in xs` as a term: a bare input/data becomes a ref, which OPA rejects.
        if ([expr.key, expr.value].some((v) => v !== undefined && ROOT_DOCUMENTS.has(v.name))) unmapped('every over input or data as a variable');
        const key = expr.key ? this.term(expr.key) : null;
        const value = this.term(expr.value);
        const domain = this.term(expr.domain);
        return { key, value, domain, body: this.body(expr.body) };
      }
      default: return unmapped('an expression kind');
    }
  }

  /**
   * With.MarshalJSON: {"target", "value"}. The target is parsed with parseTerm: `input.x` is a
   * ref, bare `input`/`data` become one-term refs, any other bare name (`count`) stays a var.
   */
  private withJson(w: With): JsonObject {
    const t = w.target;
    const target = t.terms.length === 1 && isVar(t.terms[0]) ? this.term(t.terms[0]) : this.term(t);
    return { target, value: this.term(w.value) };
  }

  private rules(rules: Rule[]): JsonValue[] {
    let first: Rule | undefined;
    return rules.map((r) => {
      if (!r.chained) first = r;
      return r.chained ? this.chainedRule(first!, r) : this.rule(r);
    });
  }

  /**
   * A chained body (`p if { a } { b }`): parseRules reads the body, then copies the first rule's
   * head (the same JSON) and gives each wildcard argument a fresh name. A wildcard anywhere else in
   * the head would keep the first rule's number, which is not tracked here.
   */
  private chainedRule(first: Rule, rule: Rule): JsonObject {
    const args = first.head.args ?? [];
    const elsewhere = [first.head.ref, first.head.key, first.head.value, ...args.filter((a) => !isVar(a, '_'))];
    if (elsewhere.some((t) => t !== undefined && hasWildcard(t))) unmapped('a wildcard in the head of a chained rule body');
    const body = this.body(rule.body);
    return { head: this.head(first, first.head), body };
  }

  private rule(rule: Rule): JsonObject {
    const out: JsonObject = { head: this.head(rule, rule.head), body: this.ruleBody(rule) };
    if (rule.default) out.default = true;
    if (rule.else) out.else = this.elseRule(rule, rule.else);
    return out;
  }

  /**
   * A rule without a body gets the generated body `true`: `default` rules and `contains` heads in
   * parseRules, `p := 1` / `f(x) := 1` statements through parser_ext.go (same head fields).
   */
  private ruleBody(rule: Rule): JsonValue[] {
    return rule.body.length === 0 ? TRUE_BODY() : this.body(rule.body);
  }

  /**
   * Head.MarshalJSON: "ref" always (Head.Ref()), then name/args/key/value/assign when set.
   * Rules with a body or `contains` or `default` come from parseRules; parseHead's VarHead (one
   * term) sets the name, RefHead does not. For a two-term ref with `if`, parseRules takes a
   * non-ground second term as the key (not for functions) and names the rule when a value was
   * written (or generated by parseHead for a function). Rules without body come from parser_ext.go:
   * a call (ParseRuleFromCallEqExpr: RefHead plus args) or a ref (ParsePartialObjectDocRuleFromEqExpr:
   * RefHead; a two-term ref gets name and key).
   */
  private head(rule: Rule, head: RuleHead): JsonObject {
    const terms = head.ref.terms;
    if (!isVar(terms[0]) || terms[0].name === '_' || ROOT_DOCUMENTS.has(terms[0].name)) unmapped('a rule head ref not starting with a name');
    if (terms.some((t) => isVar(t, '_'))) unmapped('a wildcard in a rule head ref');
    const isContains = head.kind === 'set';
    const hasArgs = (head.args ?? []).length > 0;
    const written = head.value !== undefined && !sameLoc(head.value.loc, head.loc);
    const statement = rule.body.length === 0 && !isContains && !rule.default;
    // `f(x)` or `a.b` alone: parser_ext's generated value, or v1's "must have value assignment" error.
    if (statement && !written) unmapped('a rule without value or body');
    if (terms.length > 1 && rule.default && !terms.slice(1).every((t) => t.type === 'string')) unmapped('a default rule with a variable ref head');
    const out: JsonObject = { ref: this.term(head.ref).value as JsonValue };
    if (hasArgs) out.args = head.args!.map((a) => this.term(a));
    const twoTerms = terms.length === 2 && !rule.default && !isContains;
    let named = terms.length === 1;
    if (isContains) out.key = this.term(head.key!);
    else if (twoTerms && statement && !hasArgs) {
      out.key = this.term(terms[1]!);
      named = true;
    } else if (twoTerms && !statement) {
      if (!hasArgs && !isGround(terms[1]!)) out.key = this.term(terms[1]!);
      named = written || hasArgs;
    }
    if (head.value && !isContains) out.value = this.term(head.value);
    if (named) out.name = (terms[0] as VarTerm).name;
    if (head.assign) out.assign = true;
    return out;
  }

  /**
   * parseElse: the else rule's head is a copy of the first rule's head (name, ref, args, Assign)
   * whose wildcard args are renamed anew before its value and body are read; `else := v` sets
   * Assign, `else = v` clears it, no value keeps it and sets the value `true`.
   */
  private elseRule(first: Rule, rule: Rule): JsonObject {
    const fh = first.head;
    if (fh.ref.terms.length !== 1) unmapped('an else chain on a ref head');
    const out: JsonObject = { ref: this.term(fh.ref).value as JsonValue, name: (fh.ref.terms[0] as VarTerm).name };
    if (fh.args && fh.args.length > 0) out.args = fh.args.map((a) => this.term(a));
    // Our parser gives an else without value the value `true` located at the else keyword.
    const written = !sameLoc(rule.head.value!.loc, rule.loc);
    out.value = this.term(rule.head.value!);
    if (written ? rule.head.assign : fh.assign) out.assign = true;
    const json: JsonObject = { head: out, body: this.ruleBody(rule) };
    if (rule.else) json.else = this.elseRule(first, rule.else);
    return json;
  }
}

function sameLoc(a: { line: number; col: number }, b: { line: number; col: number }): boolean {
  return a.line === b.line && a.col === b.col;
}

/** Term.IsGround: no vars anywhere (a ref always holds its head var). */
function isGround(t: Term): boolean {
  switch (t.type) {
    case 'null': case 'boolean': case 'number': case 'string': return true;
    case 'array': case 'set': return t.items.every(isGround);
    case 'object': return t.entries.every(([k, v]) => isGround(k) && isGround(v));
    default: return false;
  }
}

function hasWildcard(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(hasWildcard);
  if (node === null || typeof node !== 'object') return false;
  const t = node as { type?: unknown; name?: unknown };
  if (t.type === 'var' && t.name === '_') return true;
  return Object.entries(node).some(([k, v]) => k !== 'loc' && hasWildcard(v));
}
