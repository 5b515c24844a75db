/** Host built-ins against examples from OPA's built-in documentation. */
import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import { callHostBuiltin as call, callHostBuiltinJson as callJson, setPrintSink } from '../../../src/policy/builtins/index.js';

describe('string built-ins', () => {
  it('counts, reverses and replaces with Go semantics', () => {
    expect(call('strings.count', 'cheese', 'e')).to.equal(3);
    expect(call('strings.reverse', 'héllo')).to.equal('olléh');
    expect(call('strings.replace_n', { '<': '&lt;', '>': '&gt;' }, '<b>x</b>')).to.equal('&lt;b&gt;x&lt;/b&gt;');
    expect(call('indexof_n', 'dogs and cats', 's')).to.deep.equal([3, 12]);
    expect(call('substring', 'abcdef', 2, -1)).to.equal('cdef');
    expect(call('trim_space', '  \t x \n')).to.equal('x');
    expect(call('format_int', -255, 16)).to.equal('-ff');
  });

  it('formats like Go fmt in sprintf', () => {
    expect(call('sprintf', '%d items, %s, %v', [3, 'ok', { a: [1, 'b'] }])).to.equal('3 items, ok, {"a": [1, "b"]}');
    expect(call('sprintf', '%05.1f|%-3d|%x|%q', [3.14159, 7, 255, 'q'])).to.equal('003.1|7  |ff|"q"');
    expect(call('sprintf', '%d', ['x'])).to.equal('%!d(string=x)');
    expect(call('sprintf', '%s %s', ['only'])).to.equal('only %!s(MISSING)');
  });

  it('renders Go text templates and interpolated strings', () => {
    expect(call('strings.render_template', 'Hi {{.name}}{{range .xs}} {{.}}{{end}}', { name: 'Bo', xs: [1, 2] })).to.equal('Hi Bo 1 2');
    expect(call('internal.template_string', ['n=', [1], ', missing=', []])).to.equal('n=1, missing=<undefined>');
  });

  it('sends print output to the configured sink and stays defined', () => {
    const lines: string[] = [];
    setPrintSink((line) => lines.push(line));
    try {
      expect(call('internal.print', [['a'], [1, 2].slice(0, 1), []])).to.equal(true);
    } finally {
      setPrintSink(() => {});
    }
    expect(lines).to.deep.equal(['a 1 <undefined>']);
  });
});

describe('glob and regex built-ins', () => {
  it('matches globs with delimiters as gobwas/glob does', () => {
    expect(call('glob.match', '*.github.com', [], 'api.github.com')).to.equal(true);
    expect(call('glob.match', '*.github.com', [], 'api.cdn.github.com')).to.equal(false);
    expect(call('glob.match', '**.github.com', [], 'api.cdn.github.com')).to.equal(true);
    expect(call('glob.match', '*:github:com', [':'], 'api:github:com')).to.equal(true);
    expect(call('glob.match', '{cat,bat,[fr]at}', [], 'rat')).to.equal(true);
    expect(call('glob.match', '[!a-c]at', [], 'bat')).to.equal(false);
    expect(call('glob.quote_meta', '*.github.com')).to.equal('\\*.github.com');
  });

  it('translates RE2 syntax and follows Go match iteration', () => {
    expect(call('regex.match', '(?i)^HELLO$', 'hello')).to.equal(true);
    expect(call('regex.find_all_string_submatch_n', '(?P<k>[a-z]+)=(\\d+)', 'a=1 b=2', -1)).to.deep.equal([['a=1', 'a', '1'], ['b=2', 'b', '2']]);
    expect(call('regex.split', 'a*', 'baaac')).to.deep.equal(['b', 'c']);
    expect(call('regex.replace', 'abc123', '(\\d)', '<$1>')).to.equal('abc<1><2><3>');
    expect(call('regex.template_match', 'urn:foo:{.*}', 'urn:foo:bar:baz', '{', '}')).to.equal(true);
    expect(call('regex.is_valid', '(unclosed')).to.equal(false);
  });
});

describe('network built-ins', () => {
  it('checks containment, intersection and validity of CIDRs', () => {
    expect(call('net.cidr_contains', '10.0.0.0/8', '10.1.2.3')).to.equal(true);
    expect(call('net.cidr_contains', '10.0.0.0/8', '10.1.0.0/16')).to.equal(true);
    expect(call('net.cidr_contains', 'fd00::/8', 'fd12::1')).to.equal(true);
    expect(call('net.cidr_intersects', '192.168.0.0/16', '192.168.1.0/24')).to.equal(true);
    expect(call('net.cidr_is_valid', '10.0.0.0/33')).to.equal(false);
  });

  it('expands and merges CIDRs into sorted sets', () => {
    expect(call('net.cidr_expand', '192.168.0.0/30')).to.deep.equal(['192.168.0.0', '192.168.0.1', '192.168.0.2', '192.168.0.3']);
    expect(call('net.cidr_merge', ['192.0.128.0/24', '192.0.129.0/24'])).to.deep.equal(['192.0.128.0/23']);
    expect(call('net.cidr_contains_matches', ['1.1.2.0/24', '1.1.1.0/24'], ['1.1.1.1'])).to.deep.equal([[1, 0]]);
  });
});

describe('JWT built-ins', () => {
  const secretJwk = { kty: 'oct', k: Buffer.from('secret').toString('base64url') };

  it('signs with HS256 and verifies with the same secret', () => {
    const token = call('io.jwt.encode_sign', { alg: 'HS256', typ: 'JWT' }, { sub: 'alice', iss: 'me' }, secretJwk) as string;
    expect(call('io.jwt.verify_hs256', token, 'secret')).to.equal(true);
    expect(call('io.jwt.verify_hs256', token, 'wrong')).to.equal(false);
    expect(call('io.jwt.decode', token)).to.deep.include.members([{ alg: 'HS256', typ: 'JWT' }, { iss: 'me', sub: 'alice' }]);
    expect(call('io.jwt.decode_verify', token, { secret: 'secret', iss: 'me' })).to.deep.equal([true, { alg: 'HS256', typ: 'JWT' }, { iss: 'me', sub: 'alice' }]);
    expect(call('io.jwt.decode_verify', token, { secret: 'secret', iss: 'other' })).to.deep.equal([false, {}, {}]);
  });

  it('rejects expired tokens and honours the time constraint', () => {
    const token = call('io.jwt.encode_sign', { alg: 'HS256' }, { exp: 1000 }, secretJwk) as string;
    expect((call('io.jwt.decode_verify', token, { secret: 'secret', time: 999e9 }) as unknown[])[0]).to.equal(true);
    expect((call('io.jwt.decode_verify', token, { secret: 'secret', time: 1000e9 }) as unknown[])[0]).to.equal(false);
  });

  it('signs with RS256, ES256 and EdDSA keys and verifies with their public JWKs', () => {
    for (const [type, alg, verify] of [
      ['rsa', 'RS256', 'io.jwt.verify_rs256'],
      ['ec', 'ES256', 'io.jwt.verify_es256'],
      ['ed25519', 'EdDSA', 'io.jwt.verify_eddsa'],
    ] as const) {
      const options = type === 'rsa' ? { modulusLength: 2048 } : type === 'ec' ? { namedCurve: 'P-256' } : {};
      const { privateKey, publicKey } = generateKeyPairSync(type as 'rsa', options as { modulusLength: number });
      const jwk = privateKey.export({ format: 'jwk' });
      const token = call('io.jwt.encode_sign_raw', JSON.stringify({ alg }), '{"a":1}', JSON.stringify(jwk)) as string;
      expect(call(verify, token, JSON.stringify(publicKey.export({ format: 'jwk' }))), alg).to.equal(true);
      expect(call(verify, token, publicKey.export({ format: 'pem', type: 'spki' }).toString()), alg).to.equal(true);
    }
  });

  it('is undefined for malformed tokens', () => {
    expect(call('io.jwt.decode', 'a.b')).to.equal(undefined);
    expect(call('io.jwt.decode_verify', 'x.y.z', { secret: 's', bogus: 1 })).to.equal(undefined);
  });
});

describe('object, json and graph built-ins', () => {
  it('removes, filters, unions and reads objects', () => {
    expect(call('json.remove', { a: { b: 1, c: 2 }, d: 3 }, ['a/b', 'd'])).to.deep.equal({ a: { c: 2 } });
    expect(call('json.filter', { a: { b: 1, c: 2 }, d: 3 }, [['a', 'b']])).to.deep.equal({ a: { b: 1 } });
    expect(call('object.union_n', [{ a: 1, b: { x: 1 } }, { b: { y: 2 } }])).to.deep.equal({ a: 1, b: { x: 1, y: 2 } });
    expect(call('object.get', { a: { b: [5, 6] } }, ['a', 'b', 1], 'none')).to.equal(6);
    expect(call('object.get', { a: 1 }, 'z', 'none')).to.equal('none');
    expect(call('object.subset', { a: 1, b: { c: 2, d: 3 } }, { b: { c: 2 } })).to.equal(true);
  });

  it('patches JSON documents per RFC 6902', () => {
    const patched = call('json.patch', { a: [1, 2] }, [
      { op: 'add', path: '/a/-', value: 3 },
      { op: 'replace', path: '/a/0', value: 0 },
      { op: 'copy', from: '/a', path: '/b' },
    ]);
    expect(patched).to.deep.equal({ a: [0, 2, 3], b: [0, 2, 3] });
    expect(call('json.patch', { a: 1 }, [{ op: 'test', path: '/a', value: 2 }])).to.equal(undefined);
  });

  it('marshals JSON like Go (sorted keys, HTML escaping)', () => {
    expect(call('json.marshal', { b: 1, a: '<x>' })).to.equal('{"a":"\\u003cx\\u003e","b":1}');
    expect(call('json.marshal_with_options', { a: [1] }, { pretty: true, indent: '  ' })).to.equal('{\n  "a": [\n    1\n  ]\n}');
  });

  it('finds reachable nodes and paths', () => {
    const graph = { a: ['b'], b: ['c'], c: [], d: ['a'] };
    expect(call('graph.reachable', graph, ['a'])).to.deep.equal(['a', 'b', 'c']);
    expect(call('graph.reachable_paths', graph, ['a'])).to.deep.equal([['a', 'b', 'c']]);
  });

  it('walks values in pre-order', () => {
    expect(call('walk', { a: [1] })).to.deep.equal([[[], { a: [1] }], [['a'], [1]], [['a', 0], 1]]);
  });
});

describe('time built-ins', () => {
  it('parses layouts and RFC 3339 timestamps to exact nanoseconds', () => {
    expect(callJson('time.parse_rfc3339_ns', '2017-06-02T19:00:00.123456789-07:00')).to.equal('1496455200123456789');
    expect(callJson('time.parse_ns', 'RFC822Z', '02 Jun 17 19:00 -0700')).to.equal('1496455200000000000');
    expect(callJson('time.parse_ns', '2006-01-02', '1970-01-02')).to.equal('86400000000000');
    expect(call('time.parse_ns', '2006-01-02', 'not a date')).to.equal(undefined);
  });

  it('reads dates, clocks and weekdays in UTC and named zones', () => {
    expect(call('time.date', 0)).to.deep.equal([1970, 1, 1]);
    expect(call('time.weekday', 0)).to.equal('Thursday');
    expect(call('time.clock', [1496455200000000000, 'America/New_York'])).to.deep.equal([22, 0, 0]);
  });

  it('adds dates, diffs times and parses durations like Go', () => {
    expect(call('time.add_date', 0, 0, 1, 30)).to.equal(61 * 86400e9);
    expect(call('time.diff', 0, 86400e9 * 400)).to.deep.equal([1, 1, 4, 0, 0, 0]);
    expect(call('time.parse_duration_ns', '1h30m')).to.equal(5400e9);
    expect(call('time.parse_duration_ns', '1.5ms')).to.equal(1500000);
    expect(call('time.format', [0, 'UTC', '2006-01-02 15:04'])).to.equal('1970-01-01 00:00');
  });
});

describe('hash, encoding, uuid, semver and yaml built-ins', () => {
  it('hashes and HMACs to lowercase hex', () => {
    expect(call('crypto.sha256', 'abc')).to.equal('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(call('crypto.hmac.sha256', 'message', 'key')).to.equal('6e9ef29b75fffc5b7abae527d58fdadb2fe42e7219011976917343065f58ed4a');
    expect(call('crypto.hmac.equal', 'a', 'a')).to.equal(true);
  });

  it('encodes and strictly decodes base64, base64url, hex and url queries', () => {
    expect(call('base64.decode', 'aGVsbG8=')).to.equal('hello');
    expect(call('base64.decode', 'aGVsbG8')).to.equal(undefined);
    expect(call('base64url.decode', 'aGVsbG8')).to.equal('hello');
    expect(call('hex.decode', '6869')).to.equal('hi');
    expect(call('urlquery.encode_object', { b: ['x y', 'z'], a: 'é' })).to.equal('a=%C3%A9&b=x+y&b=z');
    expect(call('urlquery.decode_object', 'a=1&a=2&b=')).to.deep.equal({ a: ['1', '2'], b: [''] });
  });

  it('parses uuids, compares semver and round-trips yaml', () => {
    expect(call('uuid.parse', '00000000-0000-4000-8000-000000000000')).to.deep.equal({ variant: 'RFC4122', version: 4 });
    expect(call('uuid.rfc4122', 'seed')).to.equal(call('uuid.rfc4122', 'seed'));
    expect(call('semver.compare', '1.2.3', '1.10.0')).to.equal(-1);
    expect(call('semver.is_valid', 'v1.2.3')).to.equal(false);
    expect(call('yaml.unmarshal', 'a: [1, 2]\nb: yes')).to.deep.equal({ a: [1, 2], b: true });
    expect(call('yaml.marshal', { b: 1, a: 'x' })).to.equal('a: x\nb: 1\n');
  });

  it('units.parse scales SI and binary suffixes exactly', () => {
    expect(call('units.parse', '10Ki')).to.equal(10240);
    expect(call('units.parse', '1m')).to.equal(0.001);
    expect(call('units.parse_bytes', '1.5KB')).to.equal(1500);
    expect(call('units.parse', '1 K')).to.equal(undefined);
  });
});

describe('AWS request signing', () => {
  it('produces OPA\'s SigV4 headers for a fixed time', () => {
    const signed = call(
      'providers.aws.sign_req',
      { method: 'get', url: 'http://example.com' },
      { aws_access_key: 'MYAWSACCESSKEYGOESHERE', aws_secret_access_key: 'MYAWSSECRETACCESSKEYGOESHERE', aws_service: 's3', aws_region: 'us-east-1' },
      1451311705000000000,
    ) as { headers: Record<string, string> };
    expect(signed.headers['x-amz-date']).to.equal('20151228T140825Z');
    expect(signed.headers.Authorization).to.match(/^AWS4-HMAC-SHA256 Credential=MYAWSACCESSKEYGOESHERE\/20151228\/us-east-1\/s3\/aws4_request,SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=[0-9a-f]{64}$/);
  });
});

describe('graphql built-ins', () => {
  const schema = 'type Query { hero(id: ID!): Hero } type Hero { name: String }';

  it('validates schemas and queries', () => {
    expect(call('graphql.schema_is_valid', schema)).to.equal(true);
    expect(call('graphql.schema_is_valid', 'type Hello implements World { f: String }')).to.equal(false);
    expect(call('graphql.is_valid', '{ hero(id: "1") { name } }', schema)).to.equal(true);
    expect(call('graphql.is_valid', '{ hero(id: "1") { age } }', schema)).to.equal(false);
  });

  it('returns gqlparser-shaped ASTs', () => {
    expect(call('graphql.parse_query', '{hero {name}}')).to.deep.equal({
      Operations: [{ Name: '', Operation: 'query', SelectionSet: [{ Alias: 'hero', Name: 'hero', SelectionSet: [{ Alias: 'name', Name: 'name' }] }] }],
    });
    const [ok] = call('graphql.parse_and_verify', '{ nope }', schema) as unknown[];
    expect(ok).to.equal(false);
  });
});

describe('graphql built-ins with AST objects', () => {
  it('accepts the ASTs that parse_schema and parse_query return', () => {
    const schema = call('graphql.parse_schema', 'type Employee { salary: Int! } schema { query: Query } type Query { employee(id: String): Employee }');
    const good = call('graphql.parse_query', 'query { employee(id: "alice") { salary } }');
    const bad = call('graphql.parse_query', 'query { employee(id: "alice") { name } }');
    expect(call('graphql.schema_is_valid', schema)).to.equal(true);
    expect(call('graphql.is_valid', good, schema)).to.equal(true);
    expect(call('graphql.is_valid', bad, schema)).to.equal(false);
  });
});

describe('uri, certificate request, globs_match and operator built-ins', () => {
  it('parses URIs like Go net/url', () => {
    expect(call('uri.parse', 'https://u@example.com:8443/a%2Fb?x=1#f')).to.deep.equal({
      scheme: 'https', username: 'u', hostname: 'example.com', port: '8443', path: '/a/b', raw_path: '/a%2Fb', raw_query: 'x=1', fragment: 'f',
    });
    expect(call('uri.is_valid', 'http://exa%6dple.com/')).to.equal(false);
    expect(call('uri.is_valid', 'http://example.com:8o/')).to.equal(false);
  });

  it('decides whether two glob-like patterns intersect', () => {
    expect(call('regex.globs_match', 'a.a.[0-9]+z', '.b.b2359825792*594823z')).to.equal(true);
    expect(call('regex.globs_match', '[a-z]+', '[0-9]*')).to.equal(false);
    expect(call('regex.globs_match', 'pqrs]', '[a-b]+')).to.equal(undefined);
  });

  it('computes infix operators with exact integers', () => {
    expect(call('plus', 9007199254740993, 0)).to.equal(9007199254740992);
    expect(callJson('mul', 4294967296, 4294967296)).to.equal('18446744073709551616');
    expect(call('div', 1, 0)).to.equal(undefined);
    expect(call('rem', -7, 2)).to.equal(-1);
    expect(call('minus', [1, 2, 3], [2])).to.deep.equal([1, 3]);
    expect(call('lt', 'a', [1])).to.equal(true);
    expect(call('internal.member_3', 'k', 1, { k: 1 })).to.equal(true);
  });
});

describe('uuid.parse of time-based uuids', () => {
  it('reports time, clock sequence, node and DCE domain fields for version 2', () => {
    expect(callJson('uuid.parse', 'URN:UUID:000003e8-48b9-21ee-b200-325096b39f47')).to.equal(
      '{"version":2,"variant":"RFC4122","time":1693566990121469600,"clocksequence":12800,"nodeid":"32-50-96-b3-9f-47","macvariables":"local:unicast","domain":"Person","id":1000}',
    );
    expect(call('uuid.parse', '6bea8ef2d3d33cd184e09bab06a52ece')).to.deep.equal({ version: 3, variant: 'RFC4122' });
    expect(call('uuid.parse', 'not-a-uuid')).to.equal(undefined);
  });
});
