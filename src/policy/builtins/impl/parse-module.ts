/**
 * rego.parse_module: the module's AST as OPA's JSON (v1/topdown/parse.go parses the module, encodes
 * it with encoding/json and reads the text back as a term). Only the shapes whose JSON we know
 * exactly from OPA's MarshalJSON methods (v1/ast/policy.go, term.go) are mapped; anything else
 * (comments, else chains, with modifiers, experimental future keywords, ref heads, wildcards, sets/objects whose JSON is sorted, some-in, every,
 * template strings) stops with NotExactError rather than guess a shape. OPA's default JSON options
 * include no locations, so none are emitted.
 */
import { parseModule } from '../../compiler/parser/index.js';
import { CompileError, formatDiagnostic } from '../../compiler/ast/errors.js';
import type { Body, Expr, Import, Module, Rule, RuleHead, Term } from '../../compiler/ast/types.js';
import type { HostImplementation } from '../types.js';
import { asString, fail, notExact, NumberText, type JsonObject, type JsonValue } from '../value.js';

const NAME = 'rego.parse_module';

function unmapped(what: string): never {
  return notExact(NAME, what);
}

/** Term.MarshalJSON: {"type": TypeName(value), "value": value}; location is off by default. */
function termJson(term: Term): JsonObject {
  return { type: term.type, value: termValueJson(term) };
}

function termValueJson(term: Term): JsonValue {
  switch (term.type) {
    case 'null': return null;
    case 'boolean': return term.value;
    // ast.Number is a json.Number: its text is written as is and read back as that number.
    case 'number': return new NumberText(term.text) as unknown as JsonValue;
    case 'string': return term.value;
    case 'var':
      // The parser renames `_` to `$0`, `$1`, ... counted across the module: not reproduced.
      if (term.name === '_') return unmapped('a wildcard `_`');
      return term.name;
    case 'ref': return term.terms.map(termJson);
    case 'array': return term.items.map(termJson);
    // Sets and objects marshal in OPA's sorted term order, reproduced only where order is moot.
    case 'set':
      if (term.items.length > 1) return unmapped('a set of more than one element');
      return term.items.map(termJson);
    case 'object':
      if (term.entries.length > 1) return unmapped('an object of more than one entry');
      return term.entries.map(([k, v]) => [termJson(k), termJson(v)]);
    case 'call': return [termJson(term.operator), ...term.args.map(termJson)];
    case 'arraycomprehension':
    case 'setcomprehension':
      return { term: termJson(term.term), body: bodyJson(term.body) };
    case 'objectcomprehension':
      return { key: termJson(term.key), value: termJson(term.value), body: bodyJson(term.body) };
    default:
      return unmapped(`a ${term.type} term`);
  }
}

/** Expr.MarshalJSON: terms, index; with/generated/negated only when set. */
function exprJson(expr: Expr, index: number): JsonObject {
  const out: JsonObject = { terms: exprTermsJson(expr), index };
  // Whether OPA's parser keeps a bare `with input as` target a var or makes it a ref is not mapped.
  if (expr.with.length > 0) return unmapped('a with modifier');
  if (expr.generated) out.generated = true;
  if (expr.negated) out.negated = true;
  return out;
}

function exprTermsJson(expr: Expr): JsonValue {
  switch (expr.kind) {
    case 'term': return termJson(expr.term);
    case 'call': return [termJson(expr.operator), ...expr.args.map(termJson)];
    // SomeDecl.MarshalJSON: {"symbols": [...]}.
    case 'some': return { symbols: expr.vars.map(termJson) };
    default: return unmapped(`a ${expr.kind} expression`);
  }
}

/** Body.MarshalJSON: an array (never null); each expression's index is its position. */
function bodyJson(body: Body): JsonValue[] {
  return body.map(exprJson);
}

/** Head.MarshalJSON: ref, plus name/args/key/value/assign when set (omitempty). */
function headJson(head: RuleHead): JsonObject {
  // A ref head (`a.b := 1`, `p[x] := 1`) leaves Name empty and has keywords-dependent fields.
  if (head.ref.terms.length !== 1 || head.ref.terms[0]!.type !== 'var') return unmapped('a rule head ref of more than one term');
  const out: JsonObject = { name: (head.ref.terms[0] as { name: string }).name, ref: termValueJson(head.ref) };
  if (head.args && head.args.length > 0) out.args = head.args.map(termJson);
  if (head.key) out.key = termJson(head.key);
  if (head.value) out.value = termJson(head.value);
  if (head.assign) out.assign = true;
  return out;
}

/**
 * A rule without a body gets OPA's generated body `true` (one term expression, index 0): `default`
 * rules and `contains` heads in parseRules, `p := 1` / `f(x) := 1` statements in parser_ext.go
 * (ParseCompleteDocRuleFromEqExpr, ParseRuleFromCallEqExpr: same head fields, Assign for `:=`).
 */
function ruleBodyJson(body: Body): JsonValue[] {
  if (body.length === 0) return [{ terms: { type: 'boolean', value: true }, index: 0 }];
  return bodyJson(body);
}

function ruleJson(rule: Rule): JsonObject {
  if (rule.else) return unmapped('an else chain');
  if (rule.head.kind === 'object') return unmapped('a rule with a ref head');
  const out: JsonObject = { head: headJson(rule.head), body: ruleBodyJson(rule.body) };
  if (rule.default) out.default = true;
  return out;
}

/** `import future.keywords[.and|.or|.not]` switches on experimental syntax with AST nodes of its own (Not, ...). */
const EXPERIMENTAL_IMPORTS = new Set(['future.keywords', 'future.keywords.and', 'future.keywords.or', 'future.keywords.not']);

function importPathText(imp: Import): string {
  return imp.path.terms.map((t) => (t.type === 'var' ? t.name : t.type === 'string' ? t.value : '?')).join('.');
}

function importJson(imp: Import): JsonObject {
  if (EXPERIMENTAL_IMPORTS.has(importPathText(imp))) return unmapped(`import ${importPathText(imp)}`);
  const out: JsonObject = { path: termJson(imp.path) };
  if (imp.alias) out.alias = imp.alias;
  return out;
}

/** Module: package, then imports and rules when non-empty; comments (and annotations) are not mapped. */
function moduleJson(mod: Module): JsonObject {
  if ((mod.comments ?? []).length > 0) return unmapped('a module with comments');
  const out: JsonObject = { package: { path: termValueJson(mod.package.path) } };
  if (mod.imports.length > 0) out.imports = mod.imports.map(importJson);
  if (mod.rules.length > 0) out.rules = mod.rules.map(ruleJson);
  return out;
}

/**
 * A parse error is the built-in's error, as ast.Errors.Error() words it ("1 error occurred: file:row:
 * code: message"). OPA appends the offending source line and a caret to some parse errors; those
 * detail lines are not reproduced (the error is still an error: only its text is shorter).
 */
function parseOrFail(text: string, file: string): Module {
  try {
    return parseModule(text, file);
  } catch (err) {
    if (!(err instanceof CompileError)) throw err;
    const lines = err.diagnostics.map((d) => formatDiagnostic(d).replace(/^(.*?:\d+):\d+:/, '$1:'));
    return fail(lines.length === 1 ? `1 error occurred: ${lines[0]!}` : `${lines.length} errors occurred:\n${lines.join('\n')}`);
  }
}

export const parseModuleBuiltins: Readonly<Record<string, HostImplementation>> = {
  [NAME]: (filename: unknown, text: unknown) => {
    const file = asString(filename, 'operand 1');
    return moduleJson(parseOrFail(asString(text, 'operand 2'), file));
  },
};
