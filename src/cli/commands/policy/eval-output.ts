/**
 * `opa eval`'s JSON output for `policy eval`: `{"result": [{"expressions": [{"value", "text",
 * "location": {"row", "col"}}], "bindings": {...}}]}`, and `{}` when the query is undefined.
 *
 * An expression's value is what OPA's rego package captures (rego.go, rewriteQueryToCaptureValue):
 * a bare term, or a call to a built-in with a result and no output argument (`1 == 2`,
 * `count(xs)`), is rewritten to `CAPTURE = expr` and reports the captured value (so a lone `false`
 * or `1 == 2` is a defined result with value false, as in OPA); any other expression (`:=`, `=`,
 * `not`, `some`, `every`) reports `true`. When the query has several expressions or iterates, each
 * capture is also required to be true afterwards, so a false expression makes the query undefined.
 */
import { refName } from '../../../policy/compiler/ast/terms.js';
import type { Body, Expr, Term } from '../../../policy/compiler/ast/types.js';
import { parseQuery } from '../../../policy/compiler/parser/index.js';
import { lookupBuiltin } from '../../../policy/builtins/index.js';

export interface QueryExpression {
  text: string;
  row: number;
  col: number;
  /** The variable that holds the expression's value, when OPA captures it. */
  capture?: string;
}

export interface CapturedQuery {
  /** The query to evaluate: the expressions with their captures, then the capture checks. */
  query: string;
  expressions: QueryExpression[];
}

export interface EvalOutput {
  result?: Array<{ expressions: Array<{ value: unknown; text: string; location: { row: number; col: number } }>; bindings?: Record<string, unknown> }>;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

function captured(e: Expr): boolean {
  if (e.negated) return false;
  if (e.kind === 'term') return true;
  if (e.kind !== 'call') return false;
  const name = refName(e.operator);
  if (name === undefined || name === 'assign' || name === 'eq') return false;
  const spec = lookupBuiltin(name);
  return spec !== undefined && !spec.variadic && spec.result.length > 0 && e.args.length === spec.arity;
}

/** OPA's `iteration`: a ref with a variable operand, a relation built-in or a `some` outside comprehensions. */
function iterates(body: Body): boolean {
  const term = (t: Term): boolean => {
    switch (t.type) {
      case 'ref': return t.terms.slice(1).some((x) => x.type === 'var') || t.terms.some(term);
      case 'call': return lookupBuiltin(refName(t.operator) ?? '')?.relation === true || t.args.some(term);
      case 'array': case 'set': return t.items.some(term);
      case 'object': return t.entries.some(([k, v]) => term(k) || term(v));
      default: return false;
    }
  };
  return body.some((e) => {
    if (e.kind === 'some' || e.kind === 'somein') return true;
    if (e.kind === 'term') return term(e.term);
    if (e.kind === 'call') return lookupBuiltin(refName(e.operator) ?? '')?.relation === true || e.args.some(term);
    return false;
  });
}

/** A capture variable name the query does not use (and that the result rows keep: no `__` prefix). */
function captureName(text: string, i: number): string {
  let name = `capture_${i}`;
  while (text.includes(name)) name = `${name}_`;
  return name;
}

/** Splits a query into its expressions (text and position) and adds OPA's captures. */
export function captureQuery(text: string): CapturedQuery {
  const body = parseQuery(text);
  const starts = lineStarts(text);
  const offsets = body.map((e) => starts[e.loc.line - 1]! + e.loc.col - 1);
  const expressions: QueryExpression[] = body.map((e, i) => {
    const slice = text.slice(offsets[i], offsets[i + 1] ?? text.length).replace(/[\s;]+$/, '');
    return { text: slice, row: e.loc.line, col: e.loc.col, ...(captured(e) ? { capture: captureName(text, i) } : {}) };
  });
  const check = body.length > 1 || iterates(body);
  const parts = expressions.map((e) => (e.capture ? `${e.capture} = ${e.text}` : e.text));
  if (check) for (const e of expressions) if (e.capture) parts.push(e.capture);
  return { query: parts.join('\n'), expressions };
}

/** The rows of the evaluated query in `opa eval`'s shape; `{}` when there are none. */
export function evalOutput(rows: ReadonlyArray<Record<string, unknown>>, expressions: readonly QueryExpression[]): EvalOutput {
  if (rows.length === 0) return {};
  const captures = new Set(expressions.flatMap((e) => (e.capture ? [e.capture] : [])));
  return {
    result: rows.map((row) => {
      const bindings = Object.fromEntries(Object.entries(row).filter(([name]) => !captures.has(name)));
      return {
        expressions: expressions.map((e) => ({ value: e.capture ? row[e.capture] : true, text: e.text, location: { row: e.row, col: e.col } })),
        ...(Object.keys(bindings).length > 0 ? { bindings } : {}),
      };
    }),
  };
}
