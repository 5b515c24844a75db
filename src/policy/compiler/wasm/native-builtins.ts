/**
 * Built-ins implemented inside the module (wasm/assembly/builtins.ts); every other built-in the
 * catalogue knows is called on the host through the SDK's opa_builtinN imports.
 */
export const NATIVE_BUILTINS: ReadonlySet<string> = new Set([
  'equal', 'neq', 'lt', 'lte', 'gt', 'gte',
  'plus', 'minus', 'mul', 'div', 'rem', 'abs', 'round', 'ceil', 'floor',
  'or', 'and', 'union', 'intersection',
  'count', 'sum', 'product', 'max', 'min', 'sort', 'all', 'any',
  'internal.member_2', 'internal.member_3',
  'is_string', 'is_number', 'is_boolean', 'is_array', 'is_object', 'is_set', 'is_null', 'type_name',
  'to_number',
  // lower, upper and replace are the host's: Unicode case mapping and Go's empty-`old` rule
  // (a replacement between every rune) are beyond the runtime's byte-level string code.
  'contains', 'startswith', 'endswith', 'concat', 'substring', 'indexof',
  'trim', 'trim_left', 'trim_right', 'trim_space', 'trim_prefix', 'trim_suffix', 'split',
  'object.get', 'object.keys', 'array.concat', 'array.slice', 'array.reverse', 'json.marshal',
]);

/** The runtime function implementing a native built-in. */
export function nativeFunctionName(name: string): string {
  return 'b_' + name.replace(/\./g, '_');
}

export function isNativeBuiltin(name: string): boolean {
  return NATIVE_BUILTINS.has(name);
}
