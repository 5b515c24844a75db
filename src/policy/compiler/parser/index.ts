import type { Body, Module, Term, Value } from '../ast/types.js';
import { termToValue } from '../ast/terms.js';
import { Parser } from './parser.js';

export { CompileError, formatDiagnostic } from '../ast/errors.js';
export type { Diagnostic, DiagnosticCode } from '../ast/errors.js';

const BYTE_ORDER_MARK = '\uFEFF';

/** Parses one Rego v1 module. Throws `CompileError` (code rego_parse_error) with file:line:col. */
export function parseModule(text: string, file: string): Module {
  // OPA's scanner skips a leading byte-order mark (editors on Windows write one); positions count from after it.
  const parser = new Parser(text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text, file);
  return parser.parseModule();
}

/** Parses a query (a body: literals separated by `;` or newlines), e.g. `data.test.p = x`. */
export function parseQuery(text: string, file = '<query>'): Body {
  const parser = new Parser(text, file);
  const body = parser.parseQueryUntil('eof');
  parser.expectEof();
  return body;
}

/** Parses a single term, e.g. an `input_term` of a conformance case: `{"foo": {{1}}}`. */
export function parseTerm(text: string, file = '<term>'): Term {
  const parser = new Parser(text, file);
  const term = parser.parseTermIn(false);
  parser.expectEof();
  return term;
}

/** Parses a ground term and returns its value (sets as `RegoSet`; see ast `toJSON`). */
export function parseValue(text: string, file = '<term>'): Value {
  return termToValue(parseTerm(text, file));
}
