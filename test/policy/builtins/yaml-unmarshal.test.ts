import { expect } from 'chai';
import { callHostBuiltin, callHostBuiltinJson } from '../../../src/policy/builtins/index.js';

/**
 * yaml.unmarshal and yaml.is_valid against go-yaml v2.4.0 + sigs.k8s.io/yaml YAMLToJSON as OPA runs
 * them: each row is a YAML text and the JSON text of OPA's value, with the Go rule that gives it.
 */
const unmarshalJson = (text: string): string | undefined => callHostBuiltinJson('yaml.unmarshal', text);
const isValid = (text: unknown): unknown => callHostBuiltin('yaml.is_valid', text);

describe('yaml.unmarshal as go-yaml v2 and sigs.k8s.io/yaml read it', () => {
  it('resolves plain scalars with go-yaml v2\'s YAML 1.1 table', () => {
    const rows: [string, string, string][] = [
      ['a: yes', '{"a":true}', 'resolve table: yes/Yes/YES'],
      ['a: y', '{"a":true}', 'resolve table: y/Y'],
      ['a: off', '{"a":false}', 'resolve table: off/Off/OFF'],
      ['a: yEs', '{"a":"yEs"}', 'not in the table: a string'],
      ['a: 0x1F', '{"a":31}', 'ParseInt base 0: hex'],
      ['a: 017', '{"a":15}', 'ParseInt base 0: a leading 0 is octal'],
      ['a: 0o17', '{"a":15}', 'ParseInt base 0: 0o'],
      ['a: 0b101', '{"a":5}', 'ParseInt base 0: 0b'],
      ['a: 08', '{"a":8}', 'not octal, but yamlStyleFloat: the float 8'],
      ['a: 1_000', '{"a":1000}', '"_" removed before ParseInt'],
      ['a: +1', '{"a":1}', 'ParseInt takes a sign'],
      ['a: .5', '{"a":0.5}', 'the "." hint: ParseFloat'],
      ['a: 1e3', '{"a":1000}', 'a float 1000; encoding/json writes "1000"'],
      ['a: 1.0', '{"a":1}', 'the float 1 is written "1" by encoding/json'],
      ['a: 1.5e300', '{"a":1.5e+300}', 'encoding/json uses "e" form from 1e21'],
      ['a: 1e-7', '{"a":1e-7}', 'encoding/json "e" form below 1e-6, exponent without a leading zero'],
      ['a: -0.0', '{"a":-0}', 'the float negative zero is written "-0"'],
      ['a: 12345678901234567890', '{"a":12345678901234567890}', 'ParseUint: a uint64, exact'],
      ['a: 123456789012345678901234567890', '{"a":1.2345678901234568e+29}', 'past uint64: a float'],
      ['a: -9223372036854775809', '{"a":-9223372036854776000}', 'below int64: a float, written in "f" form'],
      ['a: 1e400', '{"a":"1e400"}', 'ParseFloat overflows: a string'],
      ['a: 0x', '{"a":"0x"}', 'no digits: a string'],
      ['a: 2001-12-14', '{"a":"2001-12-14"}', 'a timestamp is kept as its text for interface{}'],
      ['a: ~', '{"a":null}', 'resolve table'],
      ['a:', '{"a":null}', 'an empty value is null'],
      ['a: <<', '{"a":"<<"}', 'the merge tag as a value is the string'],
    ];
    for (const [text, want] of rows) expect(unmarshalJson(text), text).to.equal(want);
  });

  it('reads quoted, block and tagged scalars as go-yaml does', () => {
    const rows: [string, string, string][] = [
      ['a: "1"', '{"a":"1"}', 'quoted: implicit is false, so a string'],
      ["a: 'it''s'", '{"a":"it\'s"}', 'single-quoted escape'],
      ['a: "\\x41\\u00e9"', '{"a":"Aé"}', 'double-quoted escapes'],
      ['a: |\n  x\n  y\n', '{"a":"x\\ny\\n"}', 'literal block, clip'],
      ['a: >-\n  x\n  y', '{"a":"x y"}', 'folded block, strip'],
      ['a: !!str 1', '{"a":"1"}', 'resolve with the !!str tag'],
      ['a: !!float 1', '{"a":1}', '!!float takes an int (resolve\'s deferred check)'],
      ['a: !!binary aGVsbG8=', '{"a":"hello"}', 'decoder.scalar decodes base64'],
      ['!!binary /w==', '"\uFFFD"', 'invalid UTF-8 from !!binary: encoding/json writes U+FFFD'],
    ];
    for (const [text, want] of rows) expect(unmarshalJson(text), text).to.equal(want);
    expect(unmarshalJson('a: !!int 1.5')).to.equal(undefined); // cannot decode !!float `1.5` as a !!int
  });

  it('makes map keys strings as sigs.k8s.io/yaml does, and keeps the last duplicate', () => {
    const rows: [string, string, string][] = [
      ['1: a\ntrue: b', '{"1":"a","true":"b"}', 'int and bool keys: strconv.Itoa, "true"'],
      ['y: 1', '{"true":1}', 'the key y is the bool true'],
      ['1.5: x', '{"1.5":"x"}', 'a float key: FormatFloat "g" (32 and 64 bits agree)'],
      ['0.1: x', '{"0.1":"x"}', 'float32(0.1) is also written "0.1"'],
      ['.inf: x', '{".inf":"x"}', 'an infinite key becomes ".inf"'],
      ['a: 1\na: 2', '{"a":2}', 'SetMapIndex: the later value wins'],
      ['0x1: a\n1: b', '{"1":"b"}', 'one Go key (int 1): the later value wins'],
    ];
    for (const [text, want] of rows) expect(unmarshalJson(text), text).to.equal(want);
    expect(unmarshalJson('~: c')).to.equal(undefined); // unsupported map key of type <nil>
    expect(() => unmarshalJson("1: a\n'1': b")).to.throw(/both become "1"/); // Go's map order decides
    // Releases differ on FormatFloat's bitSize for keys: "3.141592653589793" (64) or "3.1415927" (32).
    expect(() => unmarshalJson('3.141592653589793: x')).to.throw(/float map key/);
  });

  it('expands aliases and merges << in document order, as decoder.merge does', () => {
    const rows: [string, string, string][] = [
      ['- &x {a: 1}\n- *x', '[{"a":1},{"a":1}]', 'an alias decodes its anchored node again'],
      ['<<: {x: 1}\nx: 2', '{"x":2}', 'a key after the merge overrides it'],
      ['x: 2\n<<: {x: 1}', '{"x":1}', 'the merge overrides a key before it (v2 writes into the same map)'],
      ['<<: [{x: 1}, {x: 2, z: 2}]', '{"x":1,"z":2}', 'a sequence merges backwards: earlier maps win'],
      ['a: &b {k: 1}\nc:\n  <<: *b\n  z: 3', '{"a":{"k":1},"c":{"k":1,"z":3}}', 'merge through an alias'],
      ['"<<": {x: 1}', '{"<<":{"x":1}}', 'a quoted << is not implicit: an ordinary key'],
    ];
    for (const [text, want] of rows) expect(unmarshalJson(text), text).to.equal(want);
    expect(unmarshalJson('<<: 1')).to.equal(undefined); // map merge requires map or sequence of maps
    expect(unmarshalJson('a: *nope')).to.equal(undefined); // unknown anchor 'nope' referenced
    expect(unmarshalJson('&a [*a]')).to.equal(undefined); // anchor 'a' value contains itself
  });

  it('reads only the first document, and null for none', () => {
    expect(unmarshalJson('---\na: 1\n---\nb: 2')).to.equal('{"a":1}');
    expect(unmarshalJson('')).to.equal('null');
    expect(unmarshalJson('# only a comment')).to.equal('null');
    expect(unmarshalJson('---')).to.equal('null');
  });

  it('fails where JSON cannot hold the value: .inf and .nan', () => {
    expect(unmarshalJson('a: .inf')).to.equal(undefined); // json: unsupported value: +Inf
    expect(isValid('a: .nan')).to.equal(false);
  });

  it('stops where libyaml and this parser could read the text differently', () => {
    const stops: [string, RegExp][] = [
      ['a:\tb', /tab/], // libyaml skips tabs in some places and rejects them in others: all refused
      ['? a\n: b', /explicit "\?" key/],
      ['[a, b]: c', /collection as a map key/],
      ['a: [b:c]', /flow scalar/], // libyaml: "found unexpected ':'"
      ['a: !foo x', /tag !foo/],
      ['%YAML 1.1\n---\na: 1', /directive/],
      ['a: |2\n   x', /indentation indicator/],
      ['a: "\\/"', /escape outside the common set/],
      ['a: b\u2028c', /U\+2028/], // a line break to libyaml only
      ['a: 0x1FFFFFFFFFFFFFFFFF', /beyond 64 bits/], // a string (go-yaml) or a big.Int (the sigs.k8s.io fork)
      ['a\nb: c', /MULTILINE_IMPLICIT_KEY/], // go-yaml reads "a b" and never parses the second document
      ['a: "x\ny"', /MISSING_CHAR/], // libyaml does not check a quoted scalar's indentation
      ['a: 1\n---\n{', /after the first document/],
    ];
    for (const [text, message] of stops) expect(() => unmarshalJson(text), JSON.stringify(text)).to.throw(message);
  });
});

describe('yaml.is_valid as sigs.k8s.io/yaml Unmarshal answers', () => {
  it('is true for what unmarshals and false for errors libyaml shares', () => {
    expect(isValid('foo:\n   - qux: bar\n   - baz: 2')).to.equal(true);
    expect(isValid('{"json": "ok"}')).to.equal(true);
    expect(isValid('foo:\n   - qux: bar\n   - baz: {')).to.equal(false); // unclosed flow mapping
    expect(isValid('a: [1')).to.equal(false); // unclosed flow sequence
    expect(isValid('a: "x')).to.equal(false); // found unexpected end of stream
    expect(isValid('a: b: c')).to.equal(false); // mapping values are not allowed in this context
    expect(isValid('a: @x')).to.equal(false); // found character that cannot start any token
    expect(isValid('a: \u0001')).to.equal(false); // the reader: control characters are not allowed
    expect(isValid('~: x')).to.equal(false); // a nil key fails the JSON conversion
  });

  it('is false for a value that is not a string', () => {
    expect(isValid(1)).to.equal(false);
  });

  it('stops, rather than answer true or false, where unmarshal stops', () => {
    expect(() => isValid('a:\tb')).to.throw(/tab/); // a tab, wherever it is, stops
    expect(() => isValid('a: [1,\n2]')).to.throw(/BAD_INDENT/); // the parser rejects it, libyaml reads [1, 2]
  });
});
