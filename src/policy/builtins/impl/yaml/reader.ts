/**
 * libyaml's reader (readerc.go yaml_parser_update_buffer): it refuses any character outside
 * #x9 | #xA | #xD | [#x20-#x7E] | #x85 | [#xA0-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
 * with "control characters are not allowed", before any parsing.
 */
import { fail } from '../../value.js';

export function isReadable(c: number): boolean {
  return (
    c === 0x09 || c === 0x0a || c === 0x0d || (c >= 0x20 && c <= 0x7e) || c === 0x85 ||
    (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff)
  );
}

/** The first character the reader refuses, if any. */
export function firstUnreadable(s: string): number | undefined {
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (!isReadable(c)) return c;
  }
  return undefined;
}

/** Fails (the built-in is undefined) where go-yaml's reader would. */
export function checkReadable(s: string, builtin: string): void {
  const c = firstUnreadable(s);
  if (c !== undefined) fail(`${builtin}: yaml: control characters are not allowed (U+${c.toString(16).toUpperCase().padStart(4, '0')})`);
}
