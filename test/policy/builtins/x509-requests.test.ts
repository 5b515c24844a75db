import { expect } from 'chai';
import { x509Builtins } from '../../../src/policy/builtins/impl/x509.js';
import { privateKeyBuiltins } from '../../../src/policy/builtins/impl/private-keys.js';
import { BuiltinError, NotExactError, type JsonObject } from '../../../src/policy/builtins/value.js';
import { derChildren, readDer } from '../../../src/policy/builtins/impl/der.js';
import * as c from './x509-certs.js';

const parseRequest = (input: string) => x509Builtins['crypto.x509.parse_certificate_request']!(input) as JsonObject;
const parseKeyPair = (cert: string, key: string) => x509Builtins['crypto.x509.parse_keypair']!(cert, key) as JsonObject;
const parseCertificates = (input: string) => x509Builtins['crypto.x509.parse_certificates']!(input) as JsonObject[];

const b64 = (b: Buffer): string => b.toString('base64');
const bigOf = (base64url: string): bigint => BigInt(`0x${Buffer.from(base64url, 'base64url').toString('hex')}`);

describe('crypto.x509.parse_certificate_request: Go x509.CertificateRequest JSON', () => {
  it('gives every field of an EC request with a SAN extension request', () => {
    const key = c.keyPair('ec');
    const subject = c.name(['2.5.4.6', c.printable('US')], ['2.5.4.3', c.utf8('req.example')]);
    const sanValue = c.seq(c.ia5(0x82, 'req.example'), c.tlv(0x87, Buffer.from([192, 168, 1, 2])));
    const der = c.certificateRequest(subject, key, [c.extension('2.5.29.17', sanValue)]);
    const jwk = key.publicKey.export({ format: 'jwk' });
    const csr = parseRequest(c.pem(der, 'CERTIFICATE REQUEST'));
    const [info, , signatureBits] = derChildren(readDer(der, 0, 'test').content, 'test').map((el) => el.raw);
    // Field order and forms: crypto/x509 CertificateRequest; Attributes is the deprecated
    // []pkix.AttributeTypeAndValueSET Go still fills (an extension's OCTET STRING as []byte).
    expect(csr).to.deep.equal({
      Raw: b64(der),
      RawTBSCertificateRequest: b64(info!),
      RawSubjectPublicKeyInfo: b64(key.spki),
      RawSubject: b64(subject),
      Version: 0,
      Signature: b64(signatureBits!.subarray(3)), // BIT STRING content after its 0 unused-bits byte
      SignatureAlgorithm: 10,
      PublicKeyAlgorithm: 3,
      PublicKey: { Curve: {}, X: bigOf(jwk.x!), Y: bigOf(jwk.y!) },
      Subject: {
        Country: ['US'], Organization: null, OrganizationalUnit: null, Locality: null, Province: null, StreetAddress: null,
        PostalCode: null, SerialNumber: '', CommonName: 'req.example',
        Names: [{ Type: [2, 5, 4, 6], Value: 'US' }, { Type: [2, 5, 4, 3], Value: 'req.example' }], ExtraNames: null,
      },
      Attributes: [{ Type: [1, 2, 840, 113549, 1, 9, 14], Value: [[{ Type: [2, 5, 29, 17], Value: b64(sanValue) }]] }],
      Extensions: [{ Id: [2, 5, 29, 17], Critical: false, Value: b64(sanValue) }],
      ExtraExtensions: null,
      DNSNames: ['req.example'],
      EmailAddresses: null,
      IPAddresses: ['192.168.1.2'],
      URIs: null,
    });
  });

  it('gives null Attributes and Extensions for a request without attributes, read from base64 DER', () => {
    const key = c.keyPair('ed25519');
    const csr = parseRequest(b64(c.certificateRequest(c.cn('plain'), key)));
    expect([csr.Attributes, csr.Extensions, csr.DNSNames, csr.PublicKeyAlgorithm, csr.SignatureAlgorithm]).to.deep.equal([null, null, null, 4, 16]);
    expect(csr.PublicKey).to.equal(b64(key.spki.subarray(key.spki.length - 32)));
  });

  it('fails as OPA does for a PEM block of another type, bad base64 and non-DER bytes', () => {
    expect(() => parseRequest(b64(Buffer.from(c.pem(c.seq(), 'CERTIFICATE'))))).to.throw(BuiltinError, 'invalid PEM-encoded certificate signing request');
    expect(() => parseRequest('foobar')).to.throw(BuiltinError, 'illegal base64');
    expect(() => parseRequest(b64(Buffer.from('badstring')))).to.throw(BuiltinError, 'asn1: structure error');
  });

  it('stops on a subject value in T61String, whose encoding/asn1 reading differs from x509 parseName', () => {
    const key = c.keyPair('ec');
    const der = c.certificateRequest(c.name(['2.5.4.3', c.tlv(0x14, Buffer.from([0xe9]))]), key);
    expect(() => parseRequest(b64(der))).to.throw(NotExactError);
  });
});

describe('crypto.x509.parse_keypair: Go tls.Certificate JSON (Go 1.23+ fills Leaf)', () => {
  it('gives Certificate, the RSA PrivateKey as crypto.parse_private_keys marshals it, and the Leaf', () => {
    const key = c.keyPair('rsa');
    const cert = c.certificate({ subject: c.cn('pair'), key, extensions: [c.san(c.ia5(0x86, 'spiffe://pair/x'))] });
    const keyPem = key.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    const pair = parseKeyPair(c.pem(cert), keyPem);
    const [leaf] = parseCertificates(c.pem(cert));
    const { URIStrings, ...leafWithoutUriStrings } = leaf!;
    expect(URIStrings).to.deep.equal(['spiffe://pair/x']);
    const [privateKey] = privateKeyBuiltins['crypto.parse_private_keys']!(keyPem) as JsonObject[];
    // tls.Certificate fields in order; Leaf is the plain *x509.Certificate (no OPA URIStrings).
    expect(pair).to.deep.equal({
      Certificate: [b64(cert)],
      PrivateKey: privateKey,
      SupportedSignatureAlgorithms: null,
      OCSPStaple: null,
      SignedCertificateTimestamps: null,
      Leaf: leafWithoutUriStrings,
    });
    expect((pair.PrivateKey as JsonObject).N).to.equal(bigOf(key.publicKey.export({ format: 'jwk' }).n!));
  });

  it('takes base64 DER for both operands and an Ed25519 key', () => {
    const key = c.keyPair('ed25519');
    const cert = c.certificate({ subject: c.cn('ed pair'), key });
    const keyDer = key.privateKey.export({ format: 'der', type: 'pkcs8' });
    const pair = parseKeyPair(b64(cert), b64(keyDer));
    const jwk = key.privateKey.export({ format: 'jwk' });
    expect(pair.PrivateKey).to.equal(b64(Buffer.concat([Buffer.from(jwk.d!, 'base64url'), Buffer.from(jwk.x!, 'base64url')])));
    expect((pair.Leaf as JsonObject).Subject).to.have.property('CommonName', 'ed pair');
  });

  it('gives an ECDSA private key as Go marshals *ecdsa.PrivateKey {Curve: {}, X, Y, D}, from SEC 1 or PKCS#8', () => {
    const ec = c.keyPair('ec');
    const ecCert = c.pem(c.certificate({ subject: c.cn('ec'), key: ec }));
    const jwk = ec.privateKey.export({ format: 'jwk' });
    const want = { Curve: {}, X: bigOf(jwk.x!), Y: bigOf(jwk.y!), D: bigOf(jwk.d!) };
    expect(parseKeyPair(ecCert, ec.privateKey.export({ format: 'pem', type: 'sec1' }) as string).PrivateKey).to.deep.equal(want);
    expect(parseKeyPair(ecCert, ec.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string).PrivateKey).to.deep.equal(want);
  });

  it('fails for a key that is not the certificate\'s or of another type, as tls.X509KeyPair does', () => {
    const key = c.keyPair('rsa');
    const other = c.keyPair('rsa');
    const cert = c.pem(c.certificate({ subject: c.cn('pair'), key }));
    expect(() => parseKeyPair(cert, other.privateKey.export({ format: 'pem', type: 'pkcs1' }) as string)).to.throw(BuiltinError, 'private key does not match public key');
    const ec = c.keyPair('ec');
    expect(() => parseKeyPair(cert, ec.privateKey.export({ format: 'pem', type: 'sec1' }) as string)).to.throw(BuiltinError, 'private key type does not match public key type');
    const otherEc = c.keyPair('ec');
    const ecCert = c.pem(c.certificate({ subject: c.cn('ec'), key: ec }));
    expect(() => parseKeyPair(ecCert, otherEc.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string)).to.throw(BuiltinError, 'private key does not match public key');
  });
});
