import { expect } from 'chai';
import { callHostBuiltin, callHostBuiltinJson } from '../../../src/policy/builtins/index.js';

/**
 * yaml.marshal against go-yaml v2.4.0 as OPA drives it (sigs.k8s.io/yaml JSONToYAML): each row is an
 * input and the text Go writes, with the Go rule that gives it. Values are written as the module
 * sends them in host mode ({"\u0000num": text} for a number with a text of its own).
 */
const marshal = (v: unknown): unknown => callHostBuiltin('yaml.marshal', v);
const num = (text: string): unknown => ({ '\u0000num': text });

describe('yaml.marshal as go-yaml v2 writes it', () => {
  it('writes block collections in go-yaml\'s layout', () => {
    const rows: [unknown, string, string][] = [
      [{ b: 1, a: 'x' }, 'a: x\nb: 1\n', 'mapv sorts the keys; plain scalars after ": "'],
      [{ a: { b: 1 } }, 'a:\n  b: 1\n', 'a nested mapping is indented by best_indent 2'],
      [{ a: [1, 2] }, 'a:\n- 1\n- 2\n', 'a sequence in a mapping is indentless (mapping_context && !indention)'],
      [[[1, 2]], '- - 1\n  - 2\n', 'a sequence in a sequence starts on the "- " line'],
      [[{ a: 1, b: 2 }], '- a: 1\n  b: 2\n', 'a mapping in a sequence starts on the "- " line'],
      [{}, '{}\n', 'an empty mapping is written in flow style (check_empty_mapping)'],
      [[], '[]\n', 'an empty sequence is written in flow style (check_empty_sequence)'],
      [{ a: {}, b: [] }, 'a: {}\nb: []\n', 'empty collections as values'],
      [null, 'null\n', 'nilv'],
      [[true, false], '- true\n- false\n', 'boolv'],
      ['a', 'a\n', 'the document ends with a line break (document end write_indent)'],
    ];
    for (const [input, want] of rows) expect(marshal(input), JSON.stringify(input)).to.equal(want);
  });

  it('quotes strings go-yaml would read back as something else, and only those', () => {
    const rows: [string, string, string][] = [
      ['yes', '"yes"\n', 'resolve gives !!bool (YAML 1.1 word): double-quoted'],
      ['y', '"y"\n', 'resolve table: y is a bool'],
      ['1', '"1"\n', 'resolve gives !!int'],
      ['0x1F', '"0x1F"\n', 'ParseInt base 0 reads hex'],
      ['1.5', '"1.5"\n', 'yamlStyleFloat'],
      ['.inf', '".inf"\n', 'resolve table'],
      ['null', '"null"\n', 'resolve gives !!null'],
      ['', '""\n', 'the empty string resolves to null'],
      ['<<', '"<<"\n', 'resolve gives the merge tag'],
      ['1:20', '"1:20"\n', 'isBase60Float'],
      ['2001-12-14', '"2001-12-14"\n', 'parseTimestamp: date layout'],
      ['2015-02-24T18:19:39Z', '"2015-02-24T18:19:39Z"\n', 'parseTimestamp: RFC 3339 layout'],
      ['2001-02-30', '2001-02-30\n', 'time.Parse rejects the day: a plain string'],
      ['a: b', "'a: b'\n", 'analyze_scalar: ": " is a block indicator, so single-quoted'],
      [' lead', "' lead'\n", 'leading space: no plain style'],
      ['trail ', "'trail '\n", 'trailing space: no plain style'],
      ['#x', "'#x'\n", 'a leading "#" is an indicator'],
      ['a #b', "'a #b'\n", '" #" starts a comment'],
      ['-', "'-'\n", '"-" followed by the end is a block indicator'],
      ['a#b', 'a#b\n', '"#" not after a space is plain'],
      ['<foo>', '<foo>\n', 'go-yaml\'s own test: plain'],
      ['tab\there', '"tab\\there"\n', 'a tab is not printable: double-quoted with \\t'],
      ['\u0000', '"\\0"\n', 'NUL crosses JSON as \\u0000 and is written \\0'],
      ['é你好', 'é你好\n', 'unicode output is on: BMP letters stay'],
      ['😀', '"\\U0001F600"\n', 'is_printable is false for 4-byte UTF-8: escaped \\U'],
      ['\uFEFFab', '"\\uFEFF\\x61\\x62"\n', 'is_bom looks at the value\'s start: every character escaped'],
    ];
    for (const [input, want] of rows) expect(marshal(input), JSON.stringify(input)).to.equal(want);
  });

  it('writes text with line breaks as a literal block with the chomping indicator', () => {
    expect(marshal('a\nb')).to.equal('|-\n  a\n  b\n'); // no final break: "-"
    expect(marshal({ a: 'x\ny\n' })).to.equal('a: |\n  x\n  y\n'); // one final break: clip
    expect(marshal('a\n\n')).to.equal('|+\n  a\n\n'); // two final breaks: "+"
    expect(marshal('\n')).to.equal('|2+\n\n'); // a leading break needs the indentation hint
    expect(marshal('a \nb')).to.equal('"a \\nb"\n'); // space before a break: no block style
    expect(marshal({ 'a\nb': 1 })).to.equal('? |-\n  a\n  b\n: 1\n'); // a multi-line key is not simple
  });

  it('folds plain and quoted text past column 80 at a space (go-yaml v2.4.0 restored the width)', () => {
    const long = 'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 1234567890 ';
    // go-yaml's TestLineWrapping: a trailing space forces single quotes; the fold indents by 2.
    expect(marshal({ a: long + long })).to.equal(
      "a: 'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 1234567890 abcdefghijklmnopqrstuvwxyz\n  ABCDEFGHIJKLMNOPQRSTUVWXYZ 1234567890 '\n",
    );
    expect(marshal({ a: `${'a'.repeat(79)} b` })).to.equal(`a: ${'a'.repeat(79)}\n  b\n`);
    expect(marshal('x'.repeat(100))).to.equal(`${'x'.repeat(100)}\n`); // no space, no fold
  });

  it('orders keys as go-yaml\'s keyList.Less does', () => {
    // go-yaml's TestSortedOutput string keys: non-letters before letters, digit runs numerically.
    const order = ['', '.1', '.2', '.a', '1', '2', 'a!10', 'a/0001', 'a/002', 'a/3', 'a/10', 'a/11', 'a/0012', 'a/100', 'a~10', 'ab/1', 'b/1', 'b/01', 'b/2', 'b/02', 'b/3', 'b/03', 'b1', 'b01', 'b3', 'c2.10', 'c10.2', 'd1', 'd7', 'd7abc', 'd12', 'd12a'];
    const obj = Object.fromEntries([...order].reverse().map((k) => [k, 1]));
    const keys = (marshal(obj) as string).trimEnd().split('\n').map((line) => line.slice(0, line.lastIndexOf(':')).replace(/^"(.*)"$/, '$1'));
    expect(keys).to.deep.equal(order);
    expect(marshal({ b: 1, B: 2, _: 3 })).to.equal('_: 3\nB: 2\nb: 1\n');
  });

  it('writes numbers as go-yaml reads their JSON text back: ints as written, floats with FormatFloat \'g\'', () => {
    const rows: [unknown, string, string][] = [
      [[num('1e6')], '- 1e+06\n', 'a float: shortest "g" uses an exponent from 1e6'],
      [[1000000], '- 1000000\n', 'an int'],
      [[num('1.0')], '- 1\n', 'the float 1 is written "1"'],
      [[num('1.50')], '- 1.5\n', 'shortest digits'],
      [[0.000001], '- 1e-06\n', '"g" below 1e-4 uses an exponent of two digits at least'],
      [[123456], '- 123456\n', ''],
      [[num('12345678901234567890')], '- 12345678901234567890\n', 'ParseUint: a uint64'],
      [[num('123456789012345678901')], '- 1.2345678901234568e+20\n', 'past uint64: yamlStyleFloat, a float'],
      [[num('-0.0')], '- -0\n', 'the float negative zero'],
      [1.5, '1.5\n', 'a top-level float'],
    ];
    for (const [input, want] of rows) expect(callHostBuiltin('yaml.marshal', input), JSON.stringify(input)).to.equal(want);
  });

  it('is undefined where Go fails: characters encoding/json leaves raw and libyaml\'s reader refuses', () => {
    expect(marshal('\u007f')).to.equal(undefined);
    expect(marshal({ a: '\u0090' })).to.equal(undefined);
    expect(marshal('\uFFFE')).to.equal(undefined);
  });

  it('stops where it cannot be sure of Go\'s answer', () => {
    const stops: [unknown, RegExp][] = [
      [1000000, /its text is not known/], // "1000000" (int) or "1e6" (float "1e+06"): the text did not cross
      ['a\u0085b', /NEL/], // libyaml folds NEL in the JSON text's double-quoted scalar
      [{ ['k'.repeat(1000)]: 1 }, /1000 or more JSON characters/], // libyaml's 1024-character simple key
      [{ '\u{10D50}a': 1, b: 2 }, /ordering an object key/], // letter class of a character newer than Go's tables
      ['0x1FFFFFFFFFFFFFFFFF', /beyond 64 bits/], // a string or a big.Int, by go-yaml fork
    ];
    for (const [input, message] of stops) expect(() => callHostBuiltinJson('yaml.marshal', input), JSON.stringify(input)).to.throw(message);
  });
});
