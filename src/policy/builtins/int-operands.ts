/**
 * The operands OPA reads with builtins.IntOperand (Number.Int: strconv.ParseInt of the number's
 * text) or, for format_int's base, compares by text. A number written otherwise than as a plain
 * integer ("1.0", "1e0") is not an int there, whatever its value: the built-in fails with "must be
 * integer number but got floating-point number", undefined outside strict mode. The host receives
 * such a number as its float64 value, so the wrapper checks the text the module sent (see sets.ts)
 * before the implementation sees the value. Positions are 0-based.
 */
const INT_OPERANDS: ReadonlyMap<string, readonly number[]> = new Map([
  ['substring', [1, 2]],
  ['array.slice', [1, 2]],
  ['strings.split_n', [2]],
  ['regex.find_n', [2]],
  ['regex.find_all_string_submatch_n', [2]],
  ['time.add_date', [1, 2, 3]],
  ['rand.intn', [1]],
  ['format_int', [1]],
]);

const NUM_KEY = '\u0000num';

/** The text of a number that crossed as {"\u0000num": text} and is not a plain integer. */
function floatText(arg: unknown): string | undefined {
  if (arg === null || typeof arg !== 'object' || Array.isArray(arg)) return undefined;
  const obj = arg as Record<string, unknown>;
  const text = obj[NUM_KEY];
  if (typeof text !== 'string' || Object.keys(obj).length !== 1) return undefined;
  return /^-?\d+$/.test(text) ? undefined : text;
}

/** Whether an int operand of `name` arrived as a number OPA does not read as an int. */
export function hasFloatIntOperand(name: string, rawArgs: readonly unknown[]): boolean {
  const positions = INT_OPERANDS.get(name);
  return positions !== undefined && positions.some((i) => floatText(rawArgs[i]) !== undefined);
}
