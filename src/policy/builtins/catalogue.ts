/**
 * The catalogue of OPA 1.x built-in functions (names, arities, argument and result kinds, flags), as
 * listed in OPA's capabilities file for v1.20, and `test.sleep`, which OPA's test runner and topdown
 * serve without listing it there. The compiler uses it to check calls and to know which
 * results cross the SDK as JSON arrays but must become sets again; the host table (./host) registers
 * its implementations under each entry's `hostKey`.
 */

/** Kinds of Rego values. `any` accepts everything. */
export type ValueKind = 'any' | 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object' | 'set';

export interface BuiltinSpec {
  readonly name: string;
  /** Number of arguments (for variadic `print`: 0, see `variadic`). */
  readonly arity: number;
  readonly variadic: boolean;
  /** Accepted kinds per argument position. */
  readonly args: readonly (readonly ValueKind[])[];
  /** Possible result kinds; empty when the built-in has no result (print, internal.print, internal.test_case). */
  readonly result: readonly ValueKind[];
  /** `set` when the result is always a set: it arrives from the host as a sorted JSON array. */
  readonly resultKind: ValueKind | 'none' | 'mixed';
  /** Argument positions that may hold a set (they reach the host as sorted arrays). */
  readonly setArgs: readonly number[];
  readonly nondeterministic: boolean;
  readonly deprecated: boolean;
  /** Relation built-ins (walk) produce many results; the host returns them all as one array. */
  readonly relation: boolean;
  readonly infix?: string;
  /** The name the module uses to ask the host for this built-in (its `builtins()` map key). */
  readonly hostKey: string;
}

const KIND_CODES: Readonly<Record<string, ValueKind>> = {
  x: 'any', N: 'null', b: 'boolean', n: 'number', s: 'string', a: 'array', o: 'object', S: 'set',
};

/**
 * The SDK serves its own implementations of these names before `customBuiltins` (sprintf-js for
 * sprintf, JS RegExp split, yaml v1, a json.is_valid that is undefined for non-strings): ours follow
 * OPA's Go semantics, so the module asks for them under an alias the SDK does not know.
 */
export const SDK_SHADOWED_ALIASES: Readonly<Record<string, string>> = {
  sprintf: 'regoc.sprintf',
  'regex.split': 'regoc.regex.split',
  'json.is_valid': 'regoc.json.is_valid',
  'yaml.is_valid': 'regoc.yaml.is_valid',
  'yaml.marshal': 'regoc.yaml.marshal',
  'yaml.unmarshal': 'regoc.yaml.unmarshal',
};

/**
 * One line per built-in: `name | args | result | flags`. Args are space-separated kinds, alternatives
 * joined by `/`, using the codes of KIND_CODES; `-` means none. Flags: nd (nondeterministic),
 * dep (deprecated), rel (relation), var (variadic), infix=OP.
 */
const TABLE = `
abs | n | n |
all | a/S | b | dep
and | S S | S | infix=&
any | a/S | b | dep
array.concat | a a | a |
array.flatten | a | a |
array.reverse | a | a |
array.slice | a n n | a |
assign | x x | b | infix=:=
base64.decode | s | s |
base64.encode | s | s |
base64.is_valid | s | b |
base64url.decode | s | s |
base64url.encode | s | s |
base64url.encode_no_pad | s | s |
bits.and | n n | n |
bits.lsh | n n | n |
bits.negate | n | n |
bits.or | n n | n |
bits.rsh | n n | n |
bits.xor | n n | n |
cast_array | x | a | dep
cast_boolean | x | b | dep
cast_null | x | N | dep
cast_object | x | o | dep
cast_set | x | S | dep
cast_string | x | s | dep
ceil | n | n |
concat | s a/S | s |
contains | s s | b |
count | s/a/o/S | n |
crypto.hmac.equal | s s | b |
crypto.hmac.md5 | s s | s |
crypto.hmac.sha1 | s s | s |
crypto.hmac.sha256 | s s | s |
crypto.hmac.sha512 | s s | s |
crypto.md5 | s | s |
crypto.parse_private_keys | s | a |
crypto.sha1 | s | s |
crypto.sha256 | s | s |
crypto.x509.parse_and_verify_certificates | s | a |
crypto.x509.parse_and_verify_certificates_with_options | s o | a |
crypto.x509.parse_certificate_request | s | o |
crypto.x509.parse_certificates | s | a |
crypto.x509.parse_keypair | s s | o |
crypto.x509.parse_rsa_private_key | s | o |
div | n n | n | infix=/
endswith | s s | b |
eq | x x | b | infix==
equal | x x | b | infix===
floor | n | n |
format_int | n n | s |
glob.match | s N/a s | b |
glob.quote_meta | s | s |
graph.reachable | o a/S | S |
graph.reachable_paths | o a/S | S |
graphql.is_valid | s/o s/o | b |
graphql.parse | s/o s/o | a |
graphql.parse_and_verify | s/o s/o | a |
graphql.parse_query | s | o |
graphql.parse_schema | s | o |
graphql.schema_is_valid | s/o | b |
gt | x x | b | infix=>
gte | x x | b | infix=>=
hex.decode | s | s |
hex.encode | s | s |
http.send | o | o | nd
indexof | s s | n |
indexof_n | s s | a |
internal.member_2 | x x | b | infix=in
internal.member_3 | x x x | b | infix=in
internal.print | a | - |
internal.template_string | a | s |
internal.test_case | a | - |
intersection | S | S |
io.jwt.decode | s | a |
io.jwt.decode_verify | s o | a | nd
io.jwt.encode_sign | o o o | s | nd
io.jwt.encode_sign_raw | s s s | s | nd
io.jwt.verify_eddsa | s s | b |
io.jwt.verify_es256 | s s | b |
io.jwt.verify_es384 | s s | b |
io.jwt.verify_es512 | s s | b |
io.jwt.verify_hs256 | s s | b |
io.jwt.verify_hs384 | s s | b |
io.jwt.verify_hs512 | s s | b |
io.jwt.verify_ps256 | s s | b |
io.jwt.verify_ps384 | s s | b |
io.jwt.verify_ps512 | s s | b |
io.jwt.verify_rs256 | s s | b |
io.jwt.verify_rs384 | s s | b |
io.jwt.verify_rs512 | s s | b |
is_array | x | b |
is_boolean | x | b |
is_null | x | b |
is_number | x | b |
is_object | x | b |
is_set | x | b |
is_string | x | b |
json.filter | o a/S | o |
json.is_valid | s | b |
json.marshal | x | s |
json.marshal_with_options | x o | s |
json.match_schema | s/o s/o | a |
json.patch | x a | x |
json.remove | o a/S | o |
json.unmarshal | s | x |
json.verify_schema | s/o | a |
lower | s | s |
lt | x x | b | infix=<
lte | x x | b | infix=<=
max | a/S | x |
min | a/S | x |
minus | n/S n/S | n/S | infix=-
mul | n n | n | infix=*
neq | x x | b | infix=!=
net.cidr_contains | s s | b |
net.cidr_contains_matches | s/a/o/S s/a/o/S | S |
net.cidr_expand | s | S |
net.cidr_intersects | s s | b |
net.cidr_is_valid | s | b |
net.cidr_merge | a/S | S |
net.cidr_overlap | s s | b | dep
net.lookup_ip_addr | s | S | nd
numbers.range | n n | a |
numbers.range_step | n n n | a |
object.filter | o a/o/S | o |
object.get | o x x | x |
object.keys | o | S |
object.remove | o a/o/S | o |
object.subset | a/o/S a/o/S | b |
object.union | o o | o |
object.union_n | a | o |
opa.runtime | - | o | nd
or | S S | S | infix=|
plus | n n | n | infix=+
print | - | - | var
product | a/S | n |
providers.aws.sign_req | o o n | o |
rand.intn | s n | n | nd
re_match | s s | b | dep
regex.find_all_string_submatch_n | s s n | a |
regex.find_n | s s n | a |
regex.globs_match | s s | b |
regex.is_valid | s | b |
regex.match | s s | b |
regex.replace | s s s | s |
regex.split | s s | a |
regex.template_match | s s s s | b |
rego.metadata.chain | - | a |
rego.metadata.rule | - | x |
rego.parse_module | s s | o |
rem | n n | n | infix=%
replace | s s s | s |
round | n | n |
semver.compare | s s | n |
semver.is_valid | x | b |
set_diff | S S | S | dep
sort | a/S | a |
split | s s | a |
sprintf | s a | s |
startswith | s s | b |
strings.any_prefix_match | s/a/S s/a/S | b |
strings.any_suffix_match | s/a/S s/a/S | b |
strings.count | s s | n |
strings.render_template | s o | s |
strings.replace_n | o s | s |
strings.reverse | s | s |
strings.split_n | s s n | a |
substring | s n n | s |
sum | a/S | n |
test.sleep | s | N | nd
time.add_date | n n n n | n |
time.clock | n/a | a |
time.date | n/a | a |
time.diff | n/a n/a | a |
time.format | n/a | s |
time.now_ns | - | n | nd
time.parse_duration_ns | s | n |
time.parse_ns | s s | n |
time.parse_rfc3339_ns | s | n |
time.weekday | n/a | s |
to_number | N/b/n/s | n |
trace | s | b |
trim | s s | s |
trim_left | s s | s |
trim_prefix | s s | s |
trim_right | s s | s |
trim_space | s | s |
trim_suffix | s s | s |
type_name | x | s |
union | S | S |
units.parse | s | n |
units.parse_bytes | s | n |
upper | s | s |
uri.is_valid | s | b |
uri.parse | s | o |
urlquery.decode | s | s |
urlquery.decode_object | s | o |
urlquery.encode | s | s |
urlquery.encode_object | o | s |
uuid.parse | s | o |
uuid.rfc4122 | s | s | nd
walk | x | a | rel
yaml.is_valid | s | b |
yaml.marshal | x | s |
yaml.unmarshal | s | x |
`;

function parseKinds(code: string): ValueKind[] {
  return code.split('/').map((c) => {
    const kind = KIND_CODES[c];
    if (kind === undefined) throw new Error(`builtin catalogue: unknown kind code ${c}`);
    return kind;
  });
}

function parseLine(line: string): BuiltinSpec {
  const [name, argText, resultText, flagText] = `${line} `.split(' | ').map((part) => part.trim());
  if (!name || argText === undefined || resultText === undefined) {
    throw new Error(`builtin catalogue: malformed line ${line}`);
  }
  const flags = (flagText ?? '').split(' ').filter((f) => f !== '');
  const args = argText === '-' ? [] : argText.split(' ').map(parseKinds);
  const result = resultText === '-' ? [] : parseKinds(resultText);
  const infix = flags.find((f) => f.startsWith('infix='))?.slice('infix='.length);
  return {
    name,
    arity: args.length,
    variadic: flags.includes('var'),
    args,
    result,
    resultKind: result.length === 0 ? 'none' : result.length === 1 ? result[0]! : 'mixed',
    setArgs: args.flatMap((kinds, i) => (kinds.includes('set') ? [i] : [])),
    nondeterministic: flags.includes('nd'),
    deprecated: flags.includes('dep'),
    relation: flags.includes('rel'),
    ...(infix === undefined ? {} : { infix }),
    hostKey: SDK_SHADOWED_ALIASES[name] ?? name,
  };
}

export const BUILTINS: ReadonlyMap<string, BuiltinSpec> = new Map(
  TABLE.split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const spec = parseLine(line);
      return [spec.name, spec] as const;
    }),
);

/** The catalogue entry for a built-in name (`count`, `io.jwt.decode`), or undefined if OPA has none. */
export function lookupBuiltin(name: string): BuiltinSpec | undefined {
  return BUILTINS.get(name);
}
