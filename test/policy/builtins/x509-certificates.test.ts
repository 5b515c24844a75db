import { expect } from 'chai';
import { x509Builtins } from '../../../src/policy/builtins/impl/x509.js';
import { BuiltinError, NotExactError, type JsonObject } from '../../../src/policy/builtins/value.js';
import { derChildren, readDer } from '../../../src/policy/builtins/impl/der.js';
import * as c from './x509-certs.js';

const parse = (input: string) => x509Builtins['crypto.x509.parse_certificates']!(input) as JsonObject[];

const EMPTY_NAME = {
  Country: null, Organization: null, OrganizationalUnit: null, Locality: null, Province: null,
  StreetAddress: null, PostalCode: null, SerialNumber: '', CommonName: '', Names: null, ExtraNames: null,
};

/** Go's zero values for every field processExtensions may set (x509.Certificate, Go 1.25). */
const NO_EXTENSION_FIELDS = {
  KeyUsage: 0, Extensions: null, ExtraExtensions: null, UnhandledCriticalExtensions: null, ExtKeyUsage: null,
  UnknownExtKeyUsage: null, BasicConstraintsValid: false, IsCA: false, MaxPathLen: 0, MaxPathLenZero: false,
  SubjectKeyId: null, AuthorityKeyId: null, OCSPServer: null, IssuingCertificateURL: null, DNSNames: null,
  EmailAddresses: null, IPAddresses: null, URIs: null, PermittedDNSDomainsCritical: false, PermittedDNSDomains: null,
  ExcludedDNSDomains: null, PermittedIPRanges: null, ExcludedIPRanges: null, PermittedEmailAddresses: null,
  ExcludedEmailAddresses: null, PermittedURIDomains: null, ExcludedURIDomains: null, CRLDistributionPoints: null,
  PolicyIdentifiers: null, Policies: null, InhibitAnyPolicy: 0, InhibitAnyPolicyZero: false, InhibitPolicyMapping: 0,
  InhibitPolicyMappingZero: false, RequireExplicitPolicy: 0, RequireExplicitPolicyZero: false, PolicyMappings: null,
};

const b64 = (b: Buffer): string => b.toString('base64');
const bigOf = (base64url: string): bigint => BigInt(`0x${Buffer.from(base64url, 'base64url').toString('hex')}`);

/** The TBS, SPKI, issuer and subject encodings inside a certificate built by x509-certs. */
function tbsOf(der: Buffer): Buffer {
  const header = der[1]! & 0x80 ? 2 + (der[1]! & 0x7f) : 2;
  const inner = der.subarray(header);
  const len = inner[1]! & 0x80 ? inner.subarray(2, 2 + (inner[1]! & 0x7f)).reduce((a, b) => a * 256 + b, 0) : inner[1]!;
  return inner.subarray(0, (inner[1]! & 0x80 ? 2 + (inner[1]! & 0x7f) : 2) + len);
}

describe('crypto.x509.parse_certificates: Go x509.Certificate JSON (Go 1.25 encoding/json)', () => {
  const notBefore = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
  const notAfter = new Date(Date.UTC(2049, 11, 31, 23, 59, 59));

  it('gives every field of an EC leaf with the common extensions, in Go zero values where unset', () => {
    const key = c.keyPair('ec');
    const signer = c.keyPair('ec');
    const subject = c.name(['2.5.4.6', c.printable('GB')], ['2.5.4.10', c.utf8('Example')], ['2.5.4.3', c.utf8('leaf.example')]);
    const sanValue = c.seq(
      c.ia5(0x82, 'leaf.example'), c.tlv(0x87, Buffer.from([10, 0, 0, 1])),
      c.tlv(0x87, Buffer.from('20010db8000000000000000000000001', 'hex')), c.ia5(0x86, 'spiffe://example.org/ns/a'),
      c.ia5(0x81, 'a@example.org'),
    );
    const aia = c.seq(
      c.seq(c.oid('1.3.6.1.5.5.7.48.1'), c.ia5(0x86, 'http://ocsp.example/')),
      c.seq(c.oid('1.3.6.1.5.5.7.48.2'), c.ia5(0x86, 'http://ca.example/ca.crt')),
    );
    const extensions = [
      c.keyUsage([0, 2]),
      c.extKeyUsage(c.SERVER_AUTH, c.CLIENT_AUTH, '1.2.3.4.5'),
      c.basicConstraints(false),
      c.skid(Buffer.from('0a0b0c', 'hex')),
      c.akid(Buffer.from('01020304', 'hex')),
      c.extension('2.5.29.17', sanValue),
      c.extension('1.2.3.4', Buffer.from('0500', 'hex')),
      c.extension('2.5.29.32', c.seq(c.seq(c.oid('2.23.140.1.2.1')))),
      c.extension('1.3.6.1.5.5.7.1.1', aia),
      c.extension('2.5.29.31', c.seq(c.seq(c.tlv(0xa0, c.tlv(0xa0, c.ia5(0x86, 'http://crl.example/ca.crl')))))),
    ];
    const serial = 0x0123456789abcdef0123n;
    const der = c.certificate({ subject, issuer: c.cn('Issuing CA'), key, signer, serial, notBefore, notAfter, extensions });
    const [cert] = parse(c.pem(der));
    const jwk = key.publicKey.export({ format: 'jwk' });
    const tbs = tbsOf(der);
    // Field order and forms: crypto/x509 Certificate struct; []byte as base64, *big.Int as a JSON
    // number, time.Time as RFC 3339, net.IP as its String(), *url.URL as its struct, x509.OID as text.
    expect(cert).to.deep.equal({
      Raw: b64(der),
      RawTBSCertificate: b64(tbs),
      RawSubjectPublicKeyInfo: b64(key.spki),
      RawSubject: b64(subject),
      RawIssuer: b64(c.cn('Issuing CA')),
      Signature: b64(der.subarray(der.length - (der.length - tbs.length - 4 - 12 - 3))),
      SignatureAlgorithm: 10, // ECDSAWithSHA256
      PublicKeyAlgorithm: 3, // ECDSA
      // *ecdsa.PublicKey: the embedded elliptic.Curve is a nistCurve with unexported fields only.
      PublicKey: { Curve: {}, X: bigOf(jwk.x!), Y: bigOf(jwk.y!) },
      Version: 3,
      SerialNumber: serial,
      Issuer: { ...EMPTY_NAME, CommonName: 'Issuing CA', Names: [{ Type: [2, 5, 4, 3], Value: 'Issuing CA' }] },
      Subject: {
        ...EMPTY_NAME, Country: ['GB'], Organization: ['Example'], CommonName: 'leaf.example',
        Names: [{ Type: [2, 5, 4, 6], Value: 'GB' }, { Type: [2, 5, 4, 10], Value: 'Example' }, { Type: [2, 5, 4, 3], Value: 'leaf.example' }],
      },
      NotBefore: '2024-01-02T03:04:05Z',
      NotAfter: '2049-12-31T23:59:59Z',
      KeyUsage: 5, // KeyUsageDigitalSignature | KeyUsageKeyEncipherment
      Extensions: [
        { Id: [2, 5, 29, 15], Critical: true, Value: 'AwIFoA==' },
        { Id: [2, 5, 29, 37], Critical: false, Value: b64(c.seq(c.oid(c.SERVER_AUTH), c.oid(c.CLIENT_AUTH), c.oid('1.2.3.4.5'))) },
        { Id: [2, 5, 29, 19], Critical: true, Value: b64(c.seq()) },
        { Id: [2, 5, 29, 14], Critical: false, Value: b64(c.octets(Buffer.from('0a0b0c', 'hex'))) },
        { Id: [2, 5, 29, 35], Critical: false, Value: b64(c.seq(c.tlv(0x80, Buffer.from('01020304', 'hex')))) },
        { Id: [2, 5, 29, 17], Critical: false, Value: b64(sanValue) },
        { Id: [1, 2, 3, 4], Critical: false, Value: 'BQA=' },
        { Id: [2, 5, 29, 32], Critical: false, Value: b64(c.seq(c.seq(c.oid('2.23.140.1.2.1')))) },
        { Id: [1, 3, 6, 1, 5, 5, 7, 1, 1], Critical: false, Value: b64(aia) },
        { Id: [2, 5, 29, 31], Critical: false, Value: b64(c.seq(c.seq(c.tlv(0xa0, c.tlv(0xa0, c.ia5(0x86, 'http://crl.example/ca.crl')))))) },
      ],
      ExtraExtensions: null,
      UnhandledCriticalExtensions: null,
      ExtKeyUsage: [1, 2], // ExtKeyUsageServerAuth, ExtKeyUsageClientAuth
      UnknownExtKeyUsage: [[1, 2, 3, 4, 5]],
      BasicConstraintsValid: true,
      IsCA: false,
      MaxPathLen: -1, // basicConstraints without pathLenConstraint
      MaxPathLenZero: false,
      SubjectKeyId: 'CgsM',
      AuthorityKeyId: 'AQIDBA==',
      OCSPServer: ['http://ocsp.example/'],
      IssuingCertificateURL: ['http://ca.example/ca.crt'],
      DNSNames: ['leaf.example'],
      EmailAddresses: ['a@example.org'],
      IPAddresses: ['10.0.0.1', '2001:db8::1'],
      URIs: [{
        Scheme: 'spiffe', Opaque: '', User: null, Host: 'example.org', Path: '/ns/a', RawPath: '', OmitHost: false,
        ForceQuery: false, RawQuery: '', Fragment: '', RawFragment: '',
      }],
      PermittedDNSDomainsCritical: false, PermittedDNSDomains: null, ExcludedDNSDomains: null, PermittedIPRanges: null,
      ExcludedIPRanges: null, PermittedEmailAddresses: null, ExcludedEmailAddresses: null, PermittedURIDomains: null,
      ExcludedURIDomains: null,
      CRLDistributionPoints: ['http://crl.example/ca.crl'],
      PolicyIdentifiers: [[2, 23, 140, 1, 2, 1]],
      Policies: ['2.23.140.1.2.1'],
      InhibitAnyPolicy: 0, InhibitAnyPolicyZero: false, InhibitPolicyMapping: 0, InhibitPolicyMappingZero: false,
      RequireExplicitPolicy: 0, RequireExplicitPolicyZero: false, PolicyMappings: null,
      URIStrings: ['spiffe://example.org/ns/a'], // OPA's extendedCert: uri.String() of each URI
    });
  });

  it('gives a version 1 RSA certificate its *rsa.PublicKey {N, E} and no extension fields', () => {
    const key = c.keyPair('rsa');
    const der = c.certificate({ subject: c.cn('v1'), key, v1: true, notBefore, notAfter });
    const [cert] = parse(b64(der)); // base64 of DER, as OPA accepts
    const jwk = key.publicKey.export({ format: 'jwk' });
    expect(cert!.Version).to.equal(1);
    expect(cert!.SignatureAlgorithm).to.equal(4); // SHA256WithRSA
    expect(cert!.PublicKeyAlgorithm).to.equal(1);
    expect(cert!.PublicKey).to.deep.equal({ N: bigOf(jwk.n!), E: 65537 });
    const fields = Object.fromEntries(Object.keys(NO_EXTENSION_FIELDS).map((k) => [k, cert![k]]));
    expect(fields).to.deep.equal(NO_EXTENSION_FIELDS);
    expect(cert!.URIStrings).to.equal(null);
  });

  it('gives an Ed25519 key as base64 bytes, records a critical unknown extension, and reads pathLen 0', () => {
    const key = c.keyPair('ed25519');
    const der = c.certificate({
      subject: c.cn('ed'), key, notBefore, notAfter,
      extensions: [c.basicConstraints(true, 0), c.extension('1.2.3.4', c.nullDer, true), c.extension('2.5.29.54', c.integer(0))],
    });
    const [cert] = parse(c.pem(der));
    expect(cert!.PublicKeyAlgorithm).to.equal(4);
    expect(cert!.SignatureAlgorithm).to.equal(16); // PureEd25519
    expect(cert!.PublicKey).to.equal(b64(key.spki.subarray(key.spki.length - 32)));
    expect(cert!.UnhandledCriticalExtensions).to.deep.equal([[1, 2, 3, 4]]);
    expect([cert!.IsCA, cert!.MaxPathLen, cert!.MaxPathLenZero]).to.deep.equal([true, 0, true]);
    expect([cert!.InhibitAnyPolicy, cert!.InhibitAnyPolicyZero]).to.deep.equal([0, true]);
  });

  it('writes IPv6 SANs as Go net.IP.String does (the longest zero run, the first of equal ones, as ::)', () => {
    const key = c.keyPair('ec');
    const ips = [
      '00000000000000000000000000000000', '00010000000000010000000000000001', '00010000000000010000000000010001',
      '20010db8000100000000000000000000', '20010db8000000010001000100010001',
    ];
    const der = c.certificate({ subject: c.cn('ip'), key, extensions: [c.san(...ips.map((h) => c.tlv(0x87, Buffer.from(h, 'hex'))))] });
    expect(parse(c.pem(der))[0]!.IPAddresses).to.deep.equal(['::', '1:0:0:1::1', '1::1:0:0:1:1', '2001:db8:1::', '2001:db8:0:1:1:1:1:1']);
  });

  it('ignores bytes after the signature inside the certificate SEQUENCE, as Go never reads them', () => {
    const der = c.certificate({ subject: c.cn('tail'), key: c.keyPair('ec') });
    const parts = derChildren(readDer(der, 0, 'test').content, 'test').map((el) => el.raw);
    const withTail = c.tlv(0x30, Buffer.concat([...parts, Buffer.from([0x01])])); // a truncated element
    const [cert] = parse(c.pem(withTail));
    expect(cert!.Raw).to.equal(b64(withTail));
    expect((cert!.Subject as JsonObject).CommonName).to.equal('tail');
  });

  it('keeps a certificate whose key algorithm Go 1.25 does not know: algorithm 0, key null', () => {
    const signer = c.keyPair('ec');
    const unknownKey = { ...signer, spki: c.seq(c.seq(c.oid('1.2.3.4.5')), c.bitString(Buffer.from([1, 2, 3]))) };
    const [cert] = parse(c.pem(c.certificate({ subject: c.cn('odd key'), key: unknownKey, signer })));
    expect([cert!.PublicKeyAlgorithm, cert!.PublicKey]).to.deep.equal([0, null]);
  });

  it('answers [] for input with no certificate, as Go ParseCertificates of nothing', () => {
    expect(parse('')).to.deep.equal([]);
    expect(parse('-----BEGIN CERTIFICATE-----\nnot base64\n')).to.deep.equal([]);
  });

  it('fails where Go x509.ParseCertificate fails', () => {
    const key = c.keyPair('ec');
    const bad = (spec: Partial<c.CertSpec>) => () => parse(c.pem(c.certificate({ subject: c.cn('x'), key, ...spec })));
    expect(bad({ serial: -5n })).to.throw(BuiltinError, 'x509: negative serial number');
    expect(bad({ extensions: [c.skid(Buffer.from([1])), c.skid(Buffer.from([2]))] })).to.throw(BuiltinError, 'duplicate extension');
    expect(bad({ extensions: [c.extension('2.5.29.35', c.seq(), true)] })).to.throw(BuiltinError, 'authority key identifier incorrectly marked critical');
    expect(bad({ extensions: [c.san(c.tlv(0x87, Buffer.from([1, 2, 3])))] })).to.throw(BuiltinError, 'cannot parse IP address of length 3');
    expect(() => parse('foobar')).to.throw(BuiltinError, 'illegal base64');
    expect(() => parse(c.pem(c.seq(), 'PRIVATE KEY'))).to.throw(BuiltinError, "PEM block type is 'PRIVATE KEY', expected CERTIFICATE");
  });

  it('stops (NotExactError) on inputs whose Go form it does not reproduce', () => {
    const key = c.keyPair('ec');
    const stop = (spec: Partial<c.CertSpec>) => () => parse(c.pem(c.certificate({ subject: c.cn('x'), key, ...spec })));
    expect(stop({ extensions: [c.san(c.ia5(0x86, 'https://example.org/a%20b'))] })).to.throw(NotExactError);
    expect(stop({ subject: c.name(['2.5.4.3', c.integer(5)]) })).to.throw(NotExactError);
    // Refused by the latest Go 1.25 patch releases, accepted by earlier ones.
    expect(stop({ extensions: [c.san(c.tlv(0x87, Buffer.from('00000000000000000000ffff0a000001', 'hex')))] })).to.throw(NotExactError);
    const x25519 = { ...c.keyPair('ec'), spki: Buffer.from('302a300506032b656e032100' + '11'.repeat(32), 'hex') };
    expect(stop({ key: x25519, signer: key })).to.throw(NotExactError);
  });
});
