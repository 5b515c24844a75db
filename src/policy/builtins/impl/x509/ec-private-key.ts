/**
 * Go's x509 parseECPrivateKey (SEC 1, alone or inside PKCS#8) as tls.X509KeyPair reaches it, and
 * encoding/json's form of the *ecdsa.PrivateKey: {Curve: {}, X, Y, D}, the embedded PublicKey's
 * fields promoted. Go 1.25 builds the key with ecdsa.ParseRawPrivateKey, so X and Y are computed
 * from D (an encoded public key is not used); node derives them the same way from a key given
 * without one.
 */
import { createPrivateKey } from 'node:crypto';
import { fail, type JsonValue } from '../../value.js';
import { integerResult } from '../units.js';
import { readDer, type Der } from '../der.js';
import { DerCursor, TAG, oidEquals, parseOid, readInt } from './asn1.js';

const CURVES: { oid: number[]; order: bigint; size: number }[] = [
  { oid: [1, 3, 132, 0, 33], size: 28, order: BigInt('0xffffffffffffffffffffffffffff16a2e0b8f03e13dd29455c5c2a3d') },
  { oid: [1, 2, 840, 10045, 3, 1, 7], size: 32, order: BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551') },
  { oid: [1, 3, 132, 0, 34], size: 48, order: BigInt('0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973') },
  { oid: [1, 3, 132, 0, 35], size: 66, order: BigInt('0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409') },
];

export const OID_EC_PUBLIC_KEY = [1, 2, 840, 10045, 2, 1];

const tlv = (tag: number, content: Buffer): Buffer => {
  const len = content.length;
  const header = len < 0x80 ? [tag, len] : len < 0x100 ? [tag, 0x81, len] : [tag, 0x82, len >> 8, len & 0xff];
  return Buffer.concat([Buffer.from(header), content]);
};

/** The curve OID of a PKCS#8 AlgorithmIdentifier's parameters (Go: nil when they do not parse). */
export function pkcs8CurveOid(params: Der | undefined): number[] | undefined {
  return params?.tag === TAG.OID ? parseOid(params.content) : undefined;
}

/** parseECPrivateKey(namedCurveOID, der), marshalled; `bits` set to the public X and Y. */
export function ecPrivateKeyJson(der: Buffer, namedCurve: number[] | undefined, builtin: string): { json: JsonValue; x: bigint; y: bigint } {
  const msg = 'x509: failed to parse EC private key';
  const outer = readDer(der, 0, builtin);
  if (outer.tag !== TAG.SEQUENCE) fail(msg);
  const f = new DerCursor(outer.content, builtin);
  if (readInt(f.next(msg), msg) !== 1) fail('x509: unknown EC private key version 0');
  let scalar = Buffer.from(f.read(TAG.OCTET_STRING, msg).content);
  const explicitCurve = f.optional(0xa0);
  const curveOid = namedCurve ?? (explicitCurve ? parseOid(readDer(explicitCurve.content, 0, builtin).content) : undefined);
  const curve = curveOid ? CURVES.find((c) => oidEquals(c.oid, curveOid)) : undefined;
  if (!curve) fail('x509: unknown elliptic curve');
  const d = BigInt(`0x${scalar.toString('hex') || '0'}`);
  if (d >= curve.order) fail('x509: invalid elliptic curve private key value');
  while (scalar.length > curve.size) {
    if (scalar[0] !== 0) fail('x509: invalid private key length');
    scalar = scalar.subarray(1);
  }
  if (d === 0n) fail('ecdsa: invalid private key');
  const padded = Buffer.concat([Buffer.alloc(curve.size - scalar.length), scalar]);
  const oidDer = tlv(TAG.OID, encodeOid(curve.oid));
  const sec1 = tlv(TAG.SEQUENCE, Buffer.concat([Buffer.from([2, 1, 1]), tlv(TAG.OCTET_STRING, padded), tlv(0xa0, oidDer)]));
  const jwk = createPrivateKey({ key: sec1, format: 'der', type: 'sec1' }).export({ format: 'jwk' });
  const x = BigInt(`0x${Buffer.from(jwk.x!, 'base64url').toString('hex')}`);
  const y = BigInt(`0x${Buffer.from(jwk.y!, 'base64url').toString('hex')}`);
  const big = (v: bigint): JsonValue => integerResult(v) as JsonValue;
  return { json: { Curve: {}, X: big(x), Y: big(y), D: big(d) }, x, y };
}

function encodeOid(arcs: number[]): Buffer {
  const values = [arcs[0]! * 40 + arcs[1]!, ...arcs.slice(2)];
  const out: number[] = [];
  for (const v of values) {
    const group = [v & 0x7f];
    for (let rest = Math.floor(v / 128); rest > 0; rest = Math.floor(rest / 128)) group.unshift((rest & 0x7f) | 0x80);
    out.push(...group);
  }
  return Buffer.from(out);
}
