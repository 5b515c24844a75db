import { expect } from 'chai';
import { x509Builtins } from '../../../src/policy/builtins/impl/x509.js';
import { BuiltinError, NotExactError, type JsonObject, type JsonValue } from '../../../src/policy/builtins/value.js';
import { parseJson, toJs } from '../../../src/policy/topdown/index.js';
import { loadInBoth } from '../compiler/compile-and-load.js';
import * as c from './x509-certs.js';

const verify = (input: string) => x509Builtins['crypto.x509.parse_and_verify_certificates']!(input) as [boolean, JsonObject[]];
const verifyWith = (input: string, options: JsonValue) =>
  x509Builtins['crypto.x509.parse_and_verify_certificates_with_options']!(input, options) as [boolean, JsonObject[]];
const parse = (input: string) => x509Builtins['crypto.x509.parse_certificates']!(input) as JsonObject[];

const commonNames = (chain: JsonObject[]): string[] => chain.map((cert) => (cert.Subject as JsonObject).CommonName as string);
const serials = (chain: JsonObject[]): JsonValue[] => chain.map((cert) => cert.SerialNumber!);

interface Node {
  der: Buffer;
  key: c.KeyPair;
  name: Buffer;
  skid: Buffer;
}

let serial = 100n;

/** A CA or leaf under `issuer` (self-signed when absent), with SKID/AKID as CAs usually write them. */
function issue(cn: string, issuer: Node | undefined, extensions: Buffer[], options: Partial<c.CertSpec> & { keyKind?: c.KeyKind } = {}): Node {
  const key = options.key ?? c.keyPair(options.keyKind ?? 'ec');
  const name = c.cn(cn);
  const skid = Buffer.from(cn.padEnd(8, '.').slice(0, 8), 'latin1');
  const der = c.certificate({
    subject: name, issuer: issuer?.name ?? name, key, signer: issuer?.key ?? key, serial: serial++,
    extensions: [c.skid(skid), ...(issuer ? [c.akid(issuer.skid)] : []), ...extensions], ...options,
  });
  return { der, key, name, skid };
}

const ca = (pathLen?: number) => [c.basicConstraints(true, pathLen), c.keyUsage([5, 6])];
const serverLeaf = (dns = 'leaf.example') => [c.basicConstraints(false), c.keyUsage([0]), c.extKeyUsage(c.SERVER_AUTH), c.san(c.ia5(0x82, dns))];
const pems = (...nodes: Node[]): string => nodes.map((n) => c.pem(n.der)).join('');

describe('crypto.x509.parse_and_verify_certificates: Go Certificate.Verify as OPA arranges it', () => {
  const root = issue('Root CA', undefined, ca());
  const inter = issue('Intermediate CA', root, ca(0));
  const leaf = issue('leaf.example', inter, serverLeaf());

  it('answers [true, chain] leaf first, each certificate with OPA URIStrings', () => {
    const [ok, chain] = verify(pems(root, inter, leaf));
    expect(ok).to.equal(true);
    expect(commonNames(chain)).to.deep.equal(['leaf.example', 'Intermediate CA', 'Root CA']);
    // Each element is the parse_certificates JSON of that certificate (extendedCert).
    expect(chain[0]).to.deep.equal(parse(c.pem(leaf.der))[0]);
    expect(chain[2]).to.have.property('URIStrings', null);
  });

  it('takes the intermediates in any order (they are a pool), the root first and the leaf last', () => {
    const inter2 = issue('Intermediate 2', root, ca());
    const inter1 = issue('Intermediate 1', inter2, ca());
    const deep = issue('deep.example', inter1, serverLeaf('deep.example'));
    expect(commonNames(verify(pems(root, inter1, inter2, deep))[1])).to.deep.equal(['deep.example', 'Intermediate 1', 'Intermediate 2', 'Root CA']);
    // The first certificate is trusted as it is: Go needs no self-signed anchor, so an intermediate
    // given first ends the chain.
    expect(commonNames(verify(pems(inter2, root, inter1, deep))[1])).to.deep.equal(['deep.example', 'Intermediate 1', 'Intermediate 2']);
    expect(verify(pems(root, deep))).to.deep.equal([false, []]); // an intermediate missing
  });

  it('answers [false, []] for fewer than two certificates and for input that does not parse', () => {
    expect(verify(pems(root))).to.deep.equal([false, []]);
    expect(verify('not base64!')).to.deep.equal([false, []]);
    expect(() => verify(5 as unknown as string)).to.throw(BuiltinError);
  });

  it('checks every certificate validity period at the current time (Go isValid)', () => {
    const expired = issue('expired.example', inter, serverLeaf('expired.example'), { notAfter: new Date(Date.now() - c.DAY) });
    const future = issue('future.example', inter, serverLeaf('future.example'), { notBefore: new Date(Date.now() + c.DAY) });
    const expiredInter = issue('Old Intermediate', root, ca(), { notAfter: new Date(Date.now() - c.DAY) });
    const underOld = issue('old.example', expiredInter, serverLeaf('old.example'));
    expect(verify(pems(root, inter, expired))).to.deep.equal([false, []]);
    expect(verify(pems(root, inter, future))).to.deep.equal([false, []]);
    expect(verify(pems(root, expiredInter, underOld))).to.deep.equal([false, []]);
  });

  it('requires intermediates to be CAs and honours path length constraints (Go isValid)', () => {
    const notCa = issue('Not a CA', root, [c.basicConstraints(false)]);
    const underNotCa = issue('x.example', notCa, serverLeaf('x.example'));
    expect(verify(pems(root, notCa, underNotCa))).to.deep.equal([false, []]);
    // Root pathLen 0: the chain [leaf, inter] has one intermediate, more than 0.
    const strictRoot = issue('Strict Root', undefined, ca(0));
    const strictInter = issue('Strict Inter', strictRoot, ca());
    const strictLeaf = issue('s.example', strictInter, serverLeaf('s.example'));
    expect(verify(pems(strictRoot, strictInter, strictLeaf))).to.deep.equal([false, []]);
    // ... but a leaf directly under it is fine (no intermediate).
    const direct = issue('d.example', strictRoot, serverLeaf('d.example'));
    expect(verify(pems(strictRoot, direct))[0]).to.equal(true);
  });

  it('needs the issuer to be a CA allowed to sign certificates (CheckSignatureFrom), a v1 root included', () => {
    const noCertSign = issue('No CertSign Root', undefined, [c.basicConstraints(true), c.keyUsage([0])]);
    expect(verify(pems(noCertSign, issue('n.example', noCertSign, serverLeaf('n.example'))))).to.deep.equal([false, []]);
    const key = c.keyPair('ec');
    const v1Root = { der: c.certificate({ subject: c.cn('V1 Root'), key, v1: true }), key, name: c.cn('V1 Root'), skid: Buffer.from('V1 Root.') };
    const underV1 = c.certificate({ subject: c.cn('v1.example'), issuer: v1Root.name, key: c.keyPair('ec'), signer: key, extensions: serverLeaf('v1.example') });
    expect(commonNames(verify(c.pem(v1Root.der) + c.pem(underV1))[1])).to.deep.equal(['v1.example', 'V1 Root']);
  });

  it('refuses SHA-1 signatures, RSA keys under 1024 bits and bad signatures (Go checkSignature)', () => {
    const sha1Leaf = issue('sha1.example', inter, serverLeaf('sha1.example'), { sha1: true });
    expect(verify(pems(root, inter, sha1Leaf))).to.deep.equal([false, []]);
    const weakRoot = issue('Weak Root', undefined, ca(), { keyKind: 'rsa512' });
    expect(verify(pems(weakRoot, issue('w.example', weakRoot, serverLeaf('w.example'))))).to.deep.equal([false, []]);
    const rsaRoot = issue('RSA Root', undefined, ca(), { keyKind: 'rsa' });
    expect(verify(pems(rsaRoot, issue('r.example', rsaRoot, serverLeaf('r.example'))))[0]).to.equal(true);
    const impostor = issue('Root CA', undefined, ca()); // same name, another key
    expect(verify(pems(impostor, inter, leaf))).to.deep.equal([false, []]);
  });

  it('reads RSASSA-PSS parameters as Go does: SHA-256 with a 32-byte salt verifies, another salt is Unknown (0) and fails', () => {
    const rsaRoot = issue('PSS Root', undefined, ca(), { keyKind: 'rsa' });
    const pssLeaf = issue('pss.example', rsaRoot, serverLeaf('pss.example'), { pssSalt: 32 });
    const [ok, chain] = verify(pems(rsaRoot, pssLeaf));
    expect(ok).to.equal(true);
    expect(chain[0]!.SignatureAlgorithm).to.equal(13); // SHA256WithRSAPSS
    const oddSalt = issue('salt.example', rsaRoot, serverLeaf('salt.example'), { pssSalt: 20 });
    expect(parse(c.pem(oddSalt.der))[0]!.SignatureAlgorithm).to.equal(0); // UnknownSignatureAlgorithm
    expect(verify(pems(rsaRoot, oddSalt))).to.deep.equal([false, []]);
  });

  it('refuses an anyPolicy mapping in an intermediate under a policy graph (Go policiesValid)', () => {
    const policies = (...oids: string[]) => c.extension('2.5.29.32', c.seq(...oids.map((o) => c.seq(c.oid(o)))));
    const mapping = (from: string, to: string) => c.extension('2.5.29.33', c.seq(c.seq(c.oid(from), c.oid(to))));
    // RFC 9618 6.1.4 (b) as verify.go applies it: a mapping to anyPolicy while mapping is allowed.
    const mappingCa = issue('Mapping CA', root, [...ca(), policies('2.5.29.32.0'), mapping('1.2.3', '2.5.29.32.0')]);
    expect(verify(pems(root, mappingCa, issue('m.example', mappingCa, serverLeaf('m.example'))))).to.deep.equal([false, []]);
    // Without certificate policies in that CA the graph is already gone and the mapping does not count.
    const noPolicyCa = issue('No Policy CA', root, [...ca(), mapping('1.2.3', '2.5.29.32.0')]);
    expect(verify(pems(root, noPolicyCa, issue('p.example', noPolicyCa, serverLeaf('p.example'))))[0]).to.equal(true);
    // A plain mapping between two policies is fine.
    const plainCa = issue('Plain Mapping CA', root, [...ca(), policies('1.2.3'), mapping('1.2.3', '1.2.4')]);
    expect(verify(pems(root, plainCa, issue('q.example', plainCa, [...serverLeaf('q.example'), policies('1.2.4')])))[0]).to.equal(true);
  });

  it('requires a valid policy below a requireExplicitPolicy constraint (Go policy graph, RFC 9618)', () => {
    const policies = (...oids: string[]) => c.extension('2.5.29.32', c.seq(...oids.map((o) => c.seq(c.oid(o)))));
    const requireExplicit = c.extension('2.5.29.36', c.seq(c.tlv(0x80, Buffer.from([0]))));
    // No policies at all under requireExplicitPolicy 0: the graph is gone when one is required.
    const bareCa = issue('Explicit CA', root, [...ca(), requireExplicit]);
    expect(verify(pems(root, bareCa, issue('e.example', bareCa, serverLeaf('e.example'))))).to.deep.equal([false, []]);
    // The CA's policy 1.2.3 carried by the leaf: a valid policy remains.
    const policyCa = issue('Policy CA', root, [...ca(), requireExplicit, policies('1.2.3')]);
    expect(verify(pems(root, policyCa, issue('p.example', policyCa, [...serverLeaf('p.example'), policies('1.2.3')])))[0]).to.equal(true);
    // A leaf policy the CA does not assert: the CA's node is pruned and nothing valid is left.
    expect(verify(pems(root, policyCa, issue('q.example', policyCa, [...serverLeaf('q.example'), policies('1.2.4')])))).to.deep.equal([false, []]);
    // anyPolicy in the CA lets the leaf's own policy through.
    const anyCa = issue('Any CA', root, [...ca(), requireExplicit, policies('2.5.29.32.0')]);
    expect(verify(pems(root, anyCa, issue('r.example', anyCa, [...serverLeaf('r.example'), policies('1.2.4')])))[0]).to.equal(true);
  });

  it('refuses a certificate with an unhandled critical extension anywhere in the chain', () => {
    const critical = issue('crit.example', inter, [...serverLeaf('crit.example'), c.extension('1.2.3.4', c.nullDer, true)]);
    expect(verify(pems(root, inter, critical))).to.deep.equal([false, []]);
  });

  it('filters by extended key usage, ServerAuth by default, nested down the chain', () => {
    const client = issue('client', inter, [c.basicConstraints(false), c.extKeyUsage(c.CLIENT_AUTH)]);
    expect(verify(pems(root, inter, client))).to.deep.equal([false, []]);
    const noEku = issue('no-eku', inter, [c.basicConstraints(false)]);
    expect(verify(pems(root, inter, noEku))[0]).to.equal(true);
    const clientOnlyCa = issue('Client CA', root, [...ca(), c.extKeyUsage(c.CLIENT_AUTH)]);
    const serverUnderClientCa = issue('server.example', clientOnlyCa, serverLeaf('server.example'));
    expect(verify(pems(root, clientOnlyCa, serverUnderClientCa))).to.deep.equal([false, []]);
  });

  it('returns the leaf alone when it is the root itself (Go: Roots.contains(leaf))', () => {
    const self = issue('self.example', undefined, serverLeaf('self.example'));
    expect(commonNames(verify(pems(self, self))[1])).to.deep.equal(['self.example']);
  });

  it('puts the parent whose subject key id matches the child authority key id first (findPotentialParents)', () => {
    // Two intermediates, same subject and key: one has the SKID the leaf names, one another SKID.
    const key = c.keyPair('ec');
    const name = c.cn('Twin CA');
    const twin = (skid: string, s: bigint) => c.certificate({
      subject: name, issuer: root.name, key, signer: root.key, serial: s, extensions: [c.skid(Buffer.from(skid)), c.akid(root.skid), ...ca()],
    });
    const matching = twin('match', 9001n);
    const other = twin('other', 9002n);
    const twinLeaf = c.certificate({
      subject: c.cn('twin.example'), issuer: name, key: c.keyPair('ec'), signer: key, serial: 9003n,
      extensions: [c.akid(Buffer.from('match')), ...serverLeaf('twin.example')],
    });
    const input = c.pem(root.der) + c.pem(other) + c.pem(matching) + c.pem(twinLeaf);
    expect(serials(verify(input)[1])).to.deep.equal([9003, 9001, parse(c.pem(root.der))[0]!.SerialNumber]);
  });

  describe('name constraints (Go isValid: every SAN below a constrained CA, excluded first, then permitted)', () => {
    const subtrees = (names: Buffer[]) => c.seq(...names.map((n) => c.seq(n)));
    const constraints = (permitted: Buffer[], excluded: Buffer[] = []) => c.extension('2.5.29.30', c.seq(
      ...(permitted.length > 0 ? [c.tlv(0xa0, subtrees(permitted).subarray(2))] : []),
      ...(excluded.length > 0 ? [c.tlv(0xa1, subtrees(excluded).subarray(2))] : []),
    ), true);
    const dns = (name: string) => c.ia5(0x82, name);
    const chainUnder = (constraint: Buffer, sans: Buffer[]): string => {
      const constrained = issue('Constrained CA', root, [...ca(), constraint]);
      const under = issue('leaf', constrained, [c.basicConstraints(false), c.extKeyUsage(c.SERVER_AUTH), ...(sans.length > 0 ? [c.san(...sans)] : [])]);
      return pems(root, constrained, under);
    };

    it('permits DNS names under a permitted domain, with a leading dot requiring a subdomain', () => {
      expect(verify(chainUnder(constraints([dns('example')]), [dns('c.example'), dns('EXAMPLE')]))[0]).to.equal(true);
      expect(verify(chainUnder(constraints([dns('example')]), [dns('c.example'), dns('c.other')]))).to.deep.equal([false, []]);
      expect(verify(chainUnder(constraints([dns('.example')]), [dns('example')]))).to.deep.equal([false, []]);
      expect(verify(chainUnder(constraints([dns('.example')]), [dns('a.example')]))[0]).to.equal(true);
      // No SAN extension below: nothing to check.
      expect(verify(chainUnder(constraints([dns('other')]), []))[0]).to.equal(true);
    });

    it('refuses names under an excluded domain, and stops for a wildcard name there (Go 1.25 patch releases differ)', () => {
      expect(verify(chainUnder(constraints([], [dns('bad.example')]), [dns('x.bad.example')]))).to.deep.equal([false, []]);
      expect(verify(chainUnder(constraints([], [dns('bad.example')]), [dns('good.example')]))[0]).to.equal(true);
      expect(() => verify(chainUnder(constraints([], [dns('bad.example')]), [dns('*.bad.example')]))).to.throw(NotExactError);
    });

    it('matches IP SANs against ranges of the same length, emails and URI hosts against domains', () => {
      const ten = c.tlv(0x87, Buffer.from([10, 0, 0, 0, 255, 0, 0, 0]));
      const ip = (...b: number[]) => c.tlv(0x87, Buffer.from(b));
      expect(verify(chainUnder(constraints([ten]), [ip(10, 1, 2, 3)]))[0]).to.equal(true);
      expect(verify(chainUnder(constraints([ten]), [ip(192, 168, 0, 1)]))).to.deep.equal([false, []]);
      expect(verify(chainUnder(constraints([ten]), [ip(...Buffer.from('20010db8000000000000000000000001', 'hex'))]))).to.deep.equal([false, []]);
      expect(verify(chainUnder(constraints([c.ia5(0x81, 'example.org')]), [c.ia5(0x81, 'a@example.org')]))[0]).to.equal(true);
      expect(verify(chainUnder(constraints([c.ia5(0x81, 'example.org')]), [c.ia5(0x81, 'a@other.org')]))).to.deep.equal([false, []]);
      // A constraint naming a mailbox: the same local part, the domain compared ignoring case.
      expect(verify(chainUnder(constraints([c.ia5(0x81, 'boss@example.org')]), [c.ia5(0x81, 'boss@EXAMPLE.org')]))[0]).to.equal(true);
      expect(verify(chainUnder(constraints([c.ia5(0x81, 'boss@example.org')]), [c.ia5(0x81, 'Boss@example.org')]))).to.deep.equal([false, []]);
      expect(verify(chainUnder(constraints([c.ia5(0x86, '.example.org')]), [c.ia5(0x86, 'spiffe://svc.example.org/x')]))[0]).to.equal(true);
      expect(verify(chainUnder(constraints([c.ia5(0x86, '.example.org')]), [c.ia5(0x86, 'spiffe://svc.other.org/x')]))).to.deep.equal([false, []]);
      // A DNS constraint says nothing about IP SANs: only the kinds that have constraints are limited.
      expect(verify(chainUnder(constraints([dns('example')]), [dns('a.example'), ip(192, 168, 0, 1)]))[0]).to.equal(true);
    });

    it('counts comparisons against MaxConstraintComparisons', () => {
      const input = chainUnder(constraints([dns('a'), dns('example')]), [dns('c.example')]);
      const usages = { KeyUsages: ['KeyUsageServerAuth'] };
      expect(verifyWith(input, { ...usages, MaxConstraintComparisons: 2 })[0]).to.equal(true);
      expect(verifyWith(input, { ...usages, MaxConstraintComparisons: 1 })).to.deep.equal([false, []]);
    });
  });
});

describe('crypto.x509.parse_and_verify_certificates_with_options: OPA extractVerifyOpts', () => {
  const root = issue('Opt Root', undefined, ca());
  const leaf = issue('www.example.org', root, [c.basicConstraints(false), c.extKeyUsage(c.CLIENT_AUTH), c.san(c.ia5(0x82, '*.example.org'))]);
  const input = pems(root, leaf);

  it('answers the plain x509.Certificate JSON (no URIStrings) and applies KeyUsages', () => {
    expect(verifyWith(input, {})).to.deep.equal([false, []]); // ServerAuth by default
    const [ok, chain] = verifyWith(input, { KeyUsages: ['KeyUsageClientAuth'] });
    expect(ok).to.equal(true);
    expect(chain[0]).to.not.have.property('URIStrings');
    const { URIStrings, ...plain } = parse(c.pem(leaf.der))[0]!;
    expect(URIStrings).to.equal(null);
    expect(chain[0]).to.deep.equal(plain);
    expect(verifyWith(input, { KeyUsages: ['KeyUsageAny'] })[0]).to.equal(true);
    expect(verifyWith(input, { KeyUsages: ['KeyUsageServerAuth', 'KeyUsageCodeSigning'] })).to.deep.equal([false, []]);
  });

  it('checks DNSName against the leaf DNS SANs with Go wildcard rules', () => {
    const usages = { KeyUsages: ['KeyUsageClientAuth'] };
    expect(verifyWith(input, { ...usages, DNSName: 'www.example.org' })[0]).to.equal(true);
    expect(verifyWith(input, { ...usages, DNSName: 'WWW.Example.org.' })[0]).to.equal(true);
    expect(verifyWith(input, { ...usages, DNSName: 'a.b.example.org' })).to.deep.equal([false, []]);
    expect(verifyWith(input, { ...usages, DNSName: 'example.org' })).to.deep.equal([false, []]);
  });

  it('checks an IP DNSName (brackets allowed) against the leaf IP SANs, as net.IP.Equal compares them', () => {
    const ipLeaf = issue('ip leaf', root, [c.basicConstraints(false), c.san(c.tlv(0x87, Buffer.from([10, 0, 0, 1])), c.tlv(0x87, Buffer.from('20010db8000000000000000000000001', 'hex')))]);
    const ipInput = pems(root, ipLeaf);
    expect(verifyWith(ipInput, { DNSName: '10.0.0.1' })[0]).to.equal(true);
    expect(verifyWith(ipInput, { DNSName: '[2001:db8::1]' })[0]).to.equal(true);
    expect(verifyWith(ipInput, { DNSName: '2001:0db8:0:0::1' })[0]).to.equal(true);
    expect(verifyWith(ipInput, { DNSName: '::ffff:10.0.0.1' })[0]).to.equal(true); // IPv4-mapped equals IPv4
    expect(verifyWith(ipInput, { DNSName: '10.0.0.2' })).to.deep.equal([false, []]);
    expect(verifyWith(ipInput, { DNSName: '2001:db8::2' })).to.deep.equal([false, []]);
  });

  it('verifies at CurrentTime (nanoseconds since the epoch)', () => {
    const old = issue('old.example', root, serverLeaf('old.example'), {
      notBefore: new Date(Date.UTC(2020, 0, 1)), notAfter: new Date(Date.UTC(2020, 11, 31)),
    });
    const oldRoot = issue('Old Root', undefined, ca(), { notBefore: new Date(Date.UTC(2019, 0, 1)) });
    const oldLeaf = issue('old.example', oldRoot, serverLeaf('old.example'), {
      notBefore: new Date(Date.UTC(2020, 0, 1)), notAfter: new Date(Date.UTC(2020, 11, 31)),
    });
    expect(verifyWith(pems(root, old), {})).to.deep.equal([false, []]);
    const mid2020 = BigInt(Date.UTC(2020, 6, 1)) * 1_000_000n;
    expect(verifyWith(pems(oldRoot, oldLeaf), { CurrentTime: mid2020 })[0]).to.equal(true);
    expect(verifyWith(pems(oldRoot, oldLeaf), { CurrentTime: mid2020 * 2n })).to.deep.equal([false, []]);
  });

  it('fails with OPA errors for options of the wrong type or unknown, after a parse failure answers [false, []]', () => {
    expect(() => verifyWith(input, { Foo: 1 })).to.throw(BuiltinError, 'invalid key option');
    expect(() => verifyWith(input, { DNSName: 1 })).to.throw(BuiltinError, "'DNSName' should be a string");
    expect(() => verifyWith(input, { CurrentTime: 'now' })).to.throw(BuiltinError, "'CurrentTime' should be a number");
    expect(() => verifyWith(input, { CurrentTime: 1.5 })).to.throw(BuiltinError, "'CurrentTime' should be a valid int64 number");
    expect(() => verifyWith(input, { MaxConstraintComparisons: 'x' })).to.throw(BuiltinError, "'MaxConstraintComparisons' should be a number");
    expect(() => verifyWith(input, { KeyUsages: 'KeyUsageAny' })).to.throw(BuiltinError, "'KeyUsages' should be an Array or Set");
    expect(() => verifyWith(input, { KeyUsages: ['KeyUsageAny', 'Nope', 'Other'] })).to.throw(BuiltinError, "invalid entries for 'KeyUsages' found: [Nope Other]");
    expect(() => verifyWith(input, 'x')).to.throw(BuiltinError);
    expect(verifyWith('not base64!', { Foo: 1 })).to.deep.equal([false, []]);
    // Non-string KeyUsages entries are skipped, as OPA's Foreach does.
    expect(verifyWith(input, { KeyUsages: [1, 'KeyUsageClientAuth'], MaxConstraintComparisons: 10 })[0]).to.equal(true);
  });
});

describe('crypto.x509 chain verification through both engines', () => {
  it('answers with_options in the compiled module and the TypeScript evaluator alike, CurrentTime in ns exact', async function () {
    this.timeout(180_000);
    const root = issue('Engine Root', undefined, ca(), { notBefore: new Date(Date.UTC(2020, 0, 1)), notAfter: new Date(Date.UTC(2020, 11, 31)) });
    const leaf = issue('engine.example', root, serverLeaf('engine.example'), {
      notBefore: new Date(Date.UTC(2020, 0, 1)), notAfter: new Date(Date.UTC(2020, 11, 31)),
    });
    // 2020-07-01T00:00:00Z in nanoseconds (past 2^53: crosses as an exact integer).
    const text = [
      'package t',
      'r := [v[0], [c.Subject.CommonName | some c in v[1]], object.keys(crypto.x509.parse_certificates(input.certs)[1]) - object.keys(v[1][0])] if {',
      '  v := crypto.x509.parse_and_verify_certificates_with_options(input.certs, {"CurrentTime": 1593561600000000000, "DNSName": "engine.example"})',
      '}',
      'ku := crypto.x509.parse_certificates(input.certs)[0].KeyUsage',
    ].join('\n');
    const { module, prepared } = await loadInBoth(text, ['t/r', 't/ku'], {});
    const input = { certs: pems(root, leaf) };
    // OPA marshals the verified chain without its extendedCert wrapper here: only URIStrings differs.
    const want = [true, ['engine.example', 'Engine Root'], ['URIStrings']];
    expect((module.evaluate(input, 't/r') as { result: unknown }[])[0]?.result).to.deep.equal(want);
    const fromTs = toJs(prepared.interpreter.evaluate('t/r', parseJson(JSON.stringify(input)), parseJson('{}'), {})) as { result: unknown }[];
    expect(fromTs[0]?.result).to.deep.equal(want);
    // KeyUsageCertSign | KeyUsageCRLSign on the root.
    expect((module.evaluate(input, 't/ku') as { result: unknown }[])[0]?.result).to.equal(96);
  });
});
