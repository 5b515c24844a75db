/**
 * What OPA's parser sees in a template string that our AST does not keep: comments inside its
 * `{...}` expressions. OPA's scanner reads those expressions as ordinary tokens, so their comments
 * go to Module.Comments (our lexer skips them) and a comment right after `{` turns a scalar part
 * into an expression part (parseTemplateString compares the comment count around that scan).
 * A template string with such a comment is therefore not reproduced.
 */

/** Offsets of line starts, to turn our (line, UTF-16 column) locations into source offsets. */
export class SourceOffsets {
  private readonly starts: number[] = [0];

  constructor(readonly source: string) {
    for (let i = 0; i < source.length; i++) if (source[i] === '\n') this.starts.push(i + 1);
  }

  offset(line: number, col: number): number {
    return (this.starts[line - 1] ?? 0) + col - 1;
  }
}

/** End of a `"..."` or `` `...` `` literal starting at `i` (the quote). */
function skipQuoted(src: string, i: number): number {
  const quote = src[i];
  let j = i + 1;
  while (j < src.length && src[j] !== quote) j += src[j] === '\\' && quote === '"' ? 2 : 1;
  return j + 1;
}

/**
 * Whether the template string whose `$` is at `start` holds a `#` comment in one of its
 * expressions (nested strings and templates are skipped; a nested template is searched too).
 */
export function templateHasComment(src: string, start: number): boolean {
  return scanTemplate(src, start).comment;
}

function scanTemplate(src: string, start: number): { end: number; comment: boolean } {
  const quote = src[start + 1];
  let i = start + 2;
  let comment = false;
  while (i < src.length && src[i] !== quote) {
    if (src[i] === '\\') {
      i += 2;
    } else if (src[i] === '{') {
      const r = scanExpression(src, i + 1);
      comment ||= r.comment;
      i = r.end;
    } else {
      i++;
    }
  }
  return { end: i + 1, comment };
}

/** From just after `{` to just after its matching `}`. */
function scanExpression(src: string, from: number): { end: number; comment: boolean } {
  let depth = 1;
  let comment = false;
  let i = from;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '"' || c === '`') {
      i = skipQuoted(src, i);
    } else if (c === '$' && (src[i + 1] === '"' || src[i + 1] === '`')) {
      const r = scanTemplate(src, i);
      comment ||= r.comment;
      i = r.end;
    } else if (c === '#') {
      comment = true;
      while (i < src.length && src[i] !== '\n') i++;
    } else {
      if (c === '{') depth++;
      if (c === '}' && --depth === 0) return { end: i + 1, comment };
      i++;
    }
  }
  return { end: i, comment };
}
