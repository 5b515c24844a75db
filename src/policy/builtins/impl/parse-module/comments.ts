/**
 * Module.Comments as OPA marshals them. *ast.Comment has no MarshalJSON and no json tags, so
 * encoding/json writes its exported fields by name: "Location" (location.Location.MarshalJSON:
 * {"file", "row", "col"}, no text by default) and "Text" ([]byte: base64, or null for a bare `#`,
 * which the parser's doScan leaves as a nil slice). The scanner counts columns in runes from 1.
 */
import type { Comment } from '../../../compiler/ast/types.js';
import type { JsonObject, JsonValue } from '../../value.js';

/** Raised for comments whose OPA JSON is not reproduced. */
export class UnmappedCommentError extends Error {}

/** Our lexer counts UTF-16 units; Go's scanner counts runes: recount the line's prefix. */
function runeColumn(lines: string[], line: number, col: number): number {
  const prefix = (lines[line - 1] ?? '').slice(0, col - 1);
  return [...prefix].length + 1;
}

function commentJson(comment: Comment, file: string, lines: string[]): JsonObject {
  const text: JsonValue = comment.text.length === 0 ? null : Buffer.from(comment.text, 'utf8').toString('base64');
  return {
    Location: { file, row: comment.loc.line, col: runeColumn(lines, comment.loc.line, comment.loc.col) },
    Text: text,
  };
}

export function commentsJson(comments: readonly Comment[], file: string, source: string): JsonValue[] {
  // A leading byte-order mark shifts Go's first-line columns by one (scanner.New reads it as a rune).
  if (source.startsWith('\uFEFF')) throw new UnmappedCommentError('a comment in a module starting with a byte-order mark');
  // With annotation processing on, `# METADATA` blocks would also yield "annotations": whether
  // rego.parse_module turns it on is not settled here, so such comments stop.
  for (const c of comments) if (c.text.trim().startsWith('METADATA')) throw new UnmappedCommentError('a METADATA comment');
  const lines = source.split('\n');
  return comments.map((c) => commentJson(c, file, lines));
}
