/**
 * The text of an expression as it was written, read from its source line: what `opa test
 * --var-values` shows for a failing expression, rather than the compiler's rewrite of it (where
 * `count(xs) == y` has become `__local2__ == y`).
 */

const OPENERS = '([{';
const CLOSERS = ')]}';

/**
 * The expression starting at 1-based column `col` of `line`: up to a `;` or `#` outside strings and
 * brackets, or the end of the line, trailing blanks trimmed. Undefined when it does not end on this
 * line (a bracket left open, a raw string left open), so the caller falls back to the compiled text.
 */
export function sourceExpression(line: string, col: number): string | undefined {
  const start = col - 1;
  if (start < 0 || start >= line.length) return undefined;
  let depth = 0;
  let quote: '"' | '`' | undefined;
  let end = line.length;
  for (let i = start; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === '`') quote = c;
    else if (OPENERS.includes(c)) depth++;
    else if (CLOSERS.includes(c)) depth--;
    else if ((c === ';' || c === '#') && depth === 0) {
      end = i;
      break;
    }
    if (depth < 0) return undefined;
  }
  if (quote || depth !== 0) return undefined;
  const text = line.slice(start, end).trimEnd();
  return text.length > 0 ? text : undefined;
}
