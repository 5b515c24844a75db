/**
 * rego.parse_module: the module's AST as OPA's JSON (topdown/parse.go parses the module, encodes
 * it with encoding/json and reads the text back as a term). The JSON is written by
 * ./parse-module/emitter.ts from OPA's MarshalJSON methods (v1/ast policy.go, term.go), with the
 * parser's own rewrites (wildcard numbering, `some ... in` as a member call, else heads, generated
 * values and bodies). Shapes it does not reproduce exactly (template strings, experimental future
 * keywords, ref-head rules without body, sets/objects needing a comparison Go makes differently,
 * METADATA comments) stop with NotExactError rather than guess. OPA's default JSON options
 * include no locations except inside comments, whose Location is marshalled as a plain field.
 */
import { parseModule } from '../../compiler/parser/index.js';
import { CompileError, formatDiagnostic } from '../../compiler/ast/errors.js';
import type { Module } from '../../compiler/ast/types.js';
import type { HostImplementation } from '../types.js';
import { asString, fail, notExact, type JsonObject } from '../value.js';
import { UnmappedCommentError } from './parse-module/comments.js';
import { ModuleEmitter, UnmappedShapeError } from './parse-module/emitter.js';
import { UnorderedTermsError } from './parse-module/term-order.js';

const NAME = 'rego.parse_module';

/** The module's JSON, or a stop naming the shape that is not reproduced. */
function moduleJson(mod: Module, text: string): JsonObject {
  try {
    return new ModuleEmitter(text).module(mod);
  } catch (err) {
    if (err instanceof UnmappedShapeError || err instanceof UnmappedCommentError) return notExact(NAME, err.message);
    if (err instanceof UnorderedTermsError) return notExact(NAME, `a set or object ordering ${err.message}`);
    throw err;
  }
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
    const source = asString(text, 'operand 2');
    return moduleJson(parseOrFail(source, file), source);
  },
};
