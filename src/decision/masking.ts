/** Arguments of the decision log with the values under these pointers replaced (content, not metadata). */
export const DEFAULT_MASKED_POINTERS: readonly string[] = [
  '/description',
  '/body',
  '/html',
  '/reason',
  // explain carries the proposed call's arguments one level down
  '/arguments/description',
  '/arguments/body',
  '/arguments/html',
  '/arguments/reason',
];

export const MASK = '[masked]';

function tokens(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`not a JSON pointer: ${pointer}`);
  return pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function maskAt(value: unknown, path: string[]): unknown {
  if (path.length === 0) return MASK;
  if (value === null || typeof value !== 'object') return value;
  const [head, ...rest] = path as [string, ...string[]];
  // `*` stands for every key or index at that level, e.g. `/items/*/body`.
  const keys = head === '*' ? Object.keys(value) : Object.hasOwn(value, head) ? [head] : [];
  if (keys.length === 0) return value;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...value] : { ...(value as Record<string, unknown>) };
  for (const key of keys) (copy as Record<string, unknown>)[key] = maskAt((value as Record<string, unknown>)[key], rest);
  return copy;
}

/**
 * Masks arguments for logging: each pointer (RFC 6901, `*` matching any one key) that is present
 * has its value replaced by `[masked]`. The input is not modified.
 */
export function maskArguments(args: unknown, pointers: readonly string[]): unknown {
  return argumentMasker(pointers)(args);
}

/** maskArguments with the pointers parsed once, for a caller that masks every call's arguments. */
export function argumentMasker(pointers: readonly string[]): (args: unknown) => unknown {
  const paths = pointers.map(tokens);
  return (args) => {
    let masked = args;
    for (const path of paths) masked = maskAt(masked, path);
    return masked;
  };
}
