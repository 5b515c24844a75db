import { expect } from 'chai';
import { fromJs, parseJson, toJs } from '../../../../src/policy/topdown/index.js';
import { loadInBoth, type LoadedInBoth } from '../compile-and-load.js';

/**
 * OPA reads an int by the number's text (Number.Int is strconv.ParseInt): 1.0, 1e0 and digits past
 * int64 are not ints though their values may be integral. An array lookup with such a key is
 * undefined, and so is a built-in whose int operand (builtins.IntOperand) is one (its error outside
 * strict mode). Computed results never carry such a text (FloatToNumber prints integral values as
 * plain integers), so 2 / 2 stays an int. Each case runs through the compiled module and the
 * TypeScript evaluator with the same raw JSON input; `undefined` is written as the string "undef".
 */
const CASES: [string, string][] = [
  ['["a", "b", "c"][1]', '"b"'],
  ['["a", "b", "c"][1.0]', 'undef'],
  ['["a", "b", "c"][1e0]', 'undef'],
  ['["a", "b", "c"][input.one]', 'undef'],
  ['["a", "b", "c"][input.int]', '"b"'],
  ['["a", "b", "c"][2 / 2]', '"b"'],
  ['["a", "b", "c"][0.5 * 2]', '"b"'],
  // 0 / -2 is -0, written "-0", which ParseInt reads as 0.
  ['["a", "b", "c"][0 / -2]', '"a"'],
  ['substring("hello", 0 / -2, 2)', '"he"'],
  ['["a", "b", "c"][4e0 / 2]', '"c"'],
  ['["a", "b", "c"][to_number("1.0")]', 'undef'],
  ['data.arr[1]', '"y"'],
  ['data.arr[1.0]', 'undef'],
  ['data.arr[input.one]', 'undef'],
  ['object.get({"a": ["x", "y"]}, ["a", 1.0], "default")', '"default"'],
  ['object.get({"a": ["x", "y"]}, ["a", 1], "default")', '"y"'],
  ['substring("hello", 1, 2)', '"el"'],
  ['substring("hello", 1.0, 2)', 'undef'],
  ['substring("hello", 1, 2e0)', 'undef'],
  ['substring("hello", input.one, 2)', 'undef'],
  ['array.slice([1, 2, 3], 1, 2)', '[2]'],
  ['array.slice([1, 2, 3], 1.0, 2)', 'undef'],
  ['array.slice([1, 2, 3], 1, input.one)', 'undef'],
  ['array.slice([1, 2, 3], 0, 4 / 2)', '[1,2]'],
  ['regex.find_n("a", "aaa", 2)', '["a","a"]'],
  ['strings.split_n("a,b,c", ",", 2)', '["a","b"]'],
  ['strings.split_n("a,b,c", ",", 2.0)', 'undef'],
  ['regex.find_n("a", "aaa", 2.0)', 'undef'],
  ['format_int(10, 2)', '"1010"'],
  ['format_int(10, 2.0)', 'undef'],
  ['time.add_date(0, 1, 0, 0)', '31536000000000000'],
  ['time.add_date(0, 1.0, 0, 0)', 'undef'],
  // % reads its operands by value (NumberToInt), not by text: 3.0 % 2 is 1 in OPA.
  ['3.0 % 2', '1'],
  ['json.marshal(input.one)', '"1.0"'],
  // json.unmarshal keeps each number's text, as OPA's (UseNumber) does.
  ['["a", "b", "c"][json.unmarshal("1.0")]', 'undef'],
  ['["a", "b", "c"][json.unmarshal("1")]', '"b"'],
  ['json.marshal(json.unmarshal("[1.0, 1e0, 1.50, 12345678901234567890, {\\"a\\": 2.50}]"))', '"[1.0,1e0,1.50,12345678901234567890,{\\"a\\":2.50}]"'],
  ['json.unmarshal("[\\"1.0\\", 2]")', '["1.0",2]'],
  ['json.unmarshal("{1: 2}")', 'undef'],
  ['json.unmarshal("01")', 'undef'],
];

const INPUT = '{"one": 1.0, "int": 1}';
const DATA = '{"arr": ["x", "y"]}';

function policyOf(exprs: string[]): string {
  return `package t\n${exprs.map((e, i) => `r${i} := x if { x := ${e} }`).join('\n')}\n`;
}

function shown(rows: unknown): string {
  const first = (rows as { result: unknown }[])[0];
  return first === undefined ? 'undef' : JSON.stringify(first.result);
}

describe('numbers that are not plain integers used as ints, in the module and the evaluator', function () {
  this.timeout(180_000);
  const exprs = CASES.map(([e]) => e);
  const entrypoints = exprs.map((_, i) => `t/r${i}`);
  const text = policyOf(exprs);
  let module: LoadedInBoth['module'];
  let prepared: LoadedInBoth['prepared'];

  before(async () => {
    ({ module, prepared } = await loadInBoth(text, entrypoints, JSON.parse(DATA) as object));
  });

  it('answers as OPA in the compiled module (raw JSON input keeps 1.0)', () => {
    const input = new TextEncoder().encode(INPUT).slice().buffer;
    const got = entrypoints.map((ep) => shown(module.evaluate(input, ep)));
    expect(CASES.map(([e], i) => `${e} => ${got[i]}`)).to.deep.equal(CASES.map(([e, want]) => `${e} => ${want}`));
  });

  it('answers the same in the TypeScript evaluator', () => {
    const got = entrypoints.map((ep) => shown(toJs(prepared.interpreter.evaluate(ep, parseJson(INPUT), parseJson(DATA), {}))));
    expect(CASES.map(([e], i) => `${e} => ${got[i]}`)).to.deep.equal(CASES.map(([e, want]) => `${e} => ${want}`));
  });

  it('keeps a plain integer from a JS input an int (the gateway path)', () => {
    const got = shown(toJs(prepared.interpreter.evaluate('t/r3', fromJs({ one: 1 }), parseJson(DATA), {})));
    expect(got).to.equal('"b"');
  });
});
