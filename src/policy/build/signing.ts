/**
 * Signed builds in OPA's bundle signature format: `.signatures.json` beside the build holds
 * `{"signatures": ["<compact JWS>"]}`, the JWS payload lists the build's files with their SHA-256
 * digests (`{"files": [{"name", "hash", "algorithm"}]}`), and its protected header names the
 * algorithm and the key id. JSON files are hashed in canonical form (see canonical-json.ts).
 */
import { createHash } from 'node:crypto';
import { CompactSign, compactVerify } from 'jose';
import { MANIFEST_FILE, WASM_FILE } from './layout.js';
import { canonicalJson } from './canonical-json.js';
import type { BuildKey } from './signing-keys.js';

export const SIGNATURES_FILE = '.signatures.json';
export const DEFAULT_KEY_ID = 'default';

export interface SignedFile {
  name: string;
  /** Hex digest. */
  hash: string;
  algorithm: string;
}

/** The files of a build as signed: the module's bytes and the manifest's JSON text. */
export interface BuildFiles {
  wasm: Uint8Array;
  manifestText: string;
}

/** Why a signature is refused; the engine turns these into one log line and fails closed. */
export class BuildSignatureError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BuildSignatureError';
  }
}

const HASHES: Record<string, string> = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };

function digest(algorithm: string, bytes: Uint8Array | string): string {
  return createHash(HASHES[algorithm] ?? 'sha256').update(bytes).digest('hex');
}

/** The manifest is a structured file: its digest is over its canonical JSON, as OPA does for .json files. */
function fileContent(name: string, files: BuildFiles): Uint8Array | string {
  if (name === WASM_FILE) return files.wasm;
  let parsed: unknown;
  try {
    parsed = JSON.parse(files.manifestText);
  } catch (err) {
    throw new BuildSignatureError(`${MANIFEST_FILE} is not JSON`, { cause: err });
  }
  return canonicalJson(parsed);
}

export function signedFiles(files: BuildFiles): SignedFile[] {
  return [MANIFEST_FILE, WASM_FILE].map((name) => ({ name, hash: digest('SHA-256', fileContent(name, files)), algorithm: 'SHA-256' }));
}

/** The `.signatures.json` text for a build: one JWS over the digests of its manifest and module. */
export async function signBuild(files: BuildFiles, key: BuildKey, keyId = DEFAULT_KEY_ID): Promise<string> {
  const payload = new TextEncoder().encode(JSON.stringify({ files: signedFiles(files), keyid: keyId }));
  const token = await new CompactSign(payload).setProtectedHeader({ alg: key.alg, kid: keyId }).sign(key.key);
  return JSON.stringify({ signatures: [token] }, null, 2) + '\n';
}

function singleToken(signaturesText: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(signaturesText);
  } catch (err) {
    throw new BuildSignatureError(`${SIGNATURES_FILE} is not JSON`, { cause: err });
  }
  const list = (parsed as { signatures?: unknown } | null)?.signatures;
  if (!Array.isArray(list) || list.length === 0) throw new BuildSignatureError(`${SIGNATURES_FILE}: missing JWT (expected exactly one)`);
  if (list.length > 1) throw new BuildSignatureError(`${SIGNATURES_FILE}: multiple JWTs not supported (expected exactly one)`);
  if (typeof list[0] !== 'string') throw new BuildSignatureError(`${SIGNATURES_FILE}: the signature is not a string`);
  return list[0];
}

async function verifiedPayload(token: string, key: BuildKey): Promise<SignedFile[]> {
  let payload: Uint8Array;
  try {
    // The algorithm is pinned by the configured key: a token cannot choose another one (or "none").
    ({ payload } = await compactVerify(token, key.key, { algorithms: [key.alg] }));
  } catch (err) {
    throw new BuildSignatureError(`the signature does not verify with the configured key (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
  let files: unknown;
  try {
    files = (JSON.parse(new TextDecoder().decode(payload)) as { files?: unknown }).files;
  } catch (err) {
    throw new BuildSignatureError('the signed payload is not JSON', { cause: err });
  }
  if (!Array.isArray(files)) throw new BuildSignatureError('the signed payload lists no files');
  return files as SignedFile[];
}

function checkFile(name: string, listed: Map<string, SignedFile>, files: BuildFiles): void {
  const entry = listed.get(name);
  if (!entry) throw new BuildSignatureError(`file ${name} not included in the build signature`);
  if (typeof entry.algorithm !== 'string' || !(entry.algorithm in HASHES)) {
    throw new BuildSignatureError(`file ${name}: unsupported hashing algorithm ${String(entry.algorithm)}`);
  }
  const actual = digest(entry.algorithm, fileContent(name, files));
  if (typeof entry.hash !== 'string' || entry.hash.toLowerCase() !== actual) {
    throw new BuildSignatureError(`${name}: digest mismatch (want: ${String(entry.hash)}, got: ${actual})`);
  }
}

/**
 * Checks a build against its `.signatures.json`: exactly one JWS, valid under the key, listing
 * exactly the manifest and the module with digests that match. Throws BuildSignatureError.
 */
export async function verifyBuildSignature(signaturesText: string, files: BuildFiles, key: BuildKey): Promise<void> {
  const listed = new Map<string, SignedFile>();
  for (const f of await verifiedPayload(singleToken(signaturesText), key)) {
    if (typeof f?.name !== 'string') throw new BuildSignatureError('the signed payload has a file without a name');
    listed.set(f.name.replace(/^\/+/, ''), f);
  }
  for (const name of [MANIFEST_FILE, WASM_FILE]) checkFile(name, listed, files);
  const extra = [...listed.keys()].filter((n) => n !== MANIFEST_FILE && n !== WASM_FILE);
  if (extra.length > 0) throw new BuildSignatureError(`the signature lists files the build does not have: ${extra.join(', ')}`);
}
