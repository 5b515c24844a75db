/** providers.aws.sign_req: AWS Signature V4 headers, as OPA's internal/providers/aws computes them. */
import { createHash, createHmac } from 'node:crypto';
import type { HostImplementation } from '../types.js';
import { asObject, compareStrings, fail, goJsonMarshal, isObject, type JsonObject } from '../value.js';

const REQUIRED_CONFIG = ['aws_access_key', 'aws_region', 'aws_secret_access_key', 'aws_service'];
const IGNORED_HEADERS = new Set(['authorization', 'user-agent', 'x-amzn-trace-id']);

const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, message: string): Buffer => createHmac('sha256', key).update(message, 'utf8').digest();
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function checkConfig(config: JsonObject): void {
  const missing = REQUIRED_CONFIG.filter((k) => !(k in config));
  if (missing.length > 0) fail(`operand 2 missing required AWS config parameters(s): {${missing.map((k) => `"${k}"`).join(', ')}}`);
  const invalid = REQUIRED_CONFIG.filter((k) => typeof config[k] !== 'string');
  if (invalid.length > 0) fail(`operand 2 invalid values for required AWS config parameters(s): {${invalid.map((k) => `"${k}"`).join(', ')}}`);
}

function checkRequest(req: JsonObject): void {
  const missing = ['method', 'url'].filter((k) => !(k in req));
  if (missing.length > 0) fail(`operand 1 missing required request parameters(s): {${missing.map((k) => `"${k}"`).join(', ')}}`);
  const invalid = ['method', 'url'].filter((k) => typeof req[k] !== 'string');
  if (invalid.length > 0) fail(`operand 1 invalid values for required request parameters(s): {${invalid.map((k) => `"${k}"`).join(', ')}}`);
}

/** Go url.URL: host with port, escaped path ("" for none), raw query. */
function urlParts(raw: string): { host: string; path: string; query: string } {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?/.exec(raw);
  if (!match) return { host: '', path: raw.split(/[?#]/)[0] ?? '', query: raw.includes('?') ? raw.split('?')[1]!.split('#')[0]! : '' };
  const host = match[2]!.replace(/^[^@]*@/, '');
  return { host, path: match[3] ?? '', query: match[4] ?? '' };
}

function isoBasic(date: Date): { day: string; stamp: string } {
  const iso = date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return { day: iso.slice(0, 8), stamp: iso };
}

function signRequest(reqValue: unknown, configValue: unknown, timeNs: unknown): JsonObject {
  const req = asObject(reqValue, 'operand 1');
  const config = asObject(configValue, 'operand 2');
  checkConfig(config);
  if (typeof timeNs !== 'number' && typeof timeNs !== 'bigint') fail('operand 3 must be a number');
  if (typeof timeNs === 'number' && !Number.isInteger(timeNs)) fail('operand 3 could not convert time_ns value into a unix timestamp');
  checkRequest(req);
  const headersValue = req.headers ?? {};
  if (!isObject(headersValue)) fail('operand 1 headers must be an object');
  let disablePayloadSigning = false;
  if (config.disable_payload_signing !== undefined) {
    if (typeof config.disable_payload_signing !== 'boolean') fail("operand 2 invalid value for 'disable_payload_signing' in AWS config");
    disablePayloadSigning = config.disable_payload_signing;
  }
  const body = req.raw_body !== undefined ? str(req.raw_body) : req.body !== undefined ? goJsonMarshal(req.body) : '';
  const service = str(config.aws_service);
  const region = str(config.aws_region);
  const url = urlParts(str(req.url));
  const ms = Number(BigInt(timeNs) / 1_000_000n);
  const { day, stamp } = isoBasic(new Date(ms));
  const payloadHash = disablePayloadSigning ? 'UNSIGNED-PAYLOAD' : sha256Hex(Buffer.from(body, 'utf8'));

  const awsHeaders: Record<string, string> = { host: url.host, 'x-amz-date': stamp };
  if (service === 's3' || service === 'glacier') awsHeaders['x-amz-content-sha256'] = payloadHash;
  const token = str(config.aws_session_token);
  if (token !== '') awsHeaders['x-amz-security-token'] = token;

  const requestHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(headersValue)) requestHeaders[k] = str(v);
  const toSign: Record<string, string> = { ...awsHeaders };
  for (const [k, v] of Object.entries(requestHeaders)) {
    if (!IGNORED_HEADERS.has(k.toLowerCase())) toSign[k.toLowerCase()] = v;
  }
  const ordered = Object.keys(toSign).sort(compareStrings);
  const signedHeaders = ordered.join(';');
  const canonical = [
    str(req.method),
    url.path,
    url.query,
    ...ordered.map((k) => `${k}:${toSign[k]}`),
    '',
    signedHeaders,
    payloadHash,
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = `AWS4-HMAC-SHA256\n${stamp}\n${scope}\n${sha256Hex(canonical)}`;
  let key = hmac(`AWS4${str(config.aws_secret_access_key)}`, day);
  key = hmac(key, region);
  key = hmac(key, service);
  key = hmac(key, 'aws4_request');
  const signature = hmac(key, stringToSign).toString('hex');
  const authorization = `AWS4-HMAC-SHA256 Credential=${str(config.aws_access_key)}/${scope},SignedHeaders=${signedHeaders},Signature=${signature}`;
  return { ...req, headers: { ...requestHeaders, Authorization: authorization, ...awsHeaders } };
}

export const awsBuiltins: Readonly<Record<string, HostImplementation>> = {
  'providers.aws.sign_req': signRequest,
};
