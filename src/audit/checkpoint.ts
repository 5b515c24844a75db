import { sign, verify } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { CheckpointPublicKey, CheckpointSigningKey } from './checkpoint-key.js';

/** The audit event kind a checkpoint is recorded under; its detail carries the signed checkpoint. */
export const CHECKPOINT_KIND = 'audit.checkpoint';

/**
 * Domain separation: the signed bytes name what they are, so a signature over a checkpoint can
 * never be passed off as a signature over anything else this key might sign one day.
 */
export const CHECKPOINT_CONTEXT = 'nodedc-agent-gateway/audit-checkpoint/v1';

/**
 * A signed statement "the chain contained event `seq` with hash `hash` at `time`", after
 * Certificate Transparency's signed tree heads. `seq` is a decimal string (a bigint), `time` an
 * ISO 8601 UTC instant, `signature` base64url Ed25519 over `checkpointSigningInput`.
 */
export interface SignedCheckpoint {
  seq: string;
  hash: string;
  time: string;
  key_id: string;
  signature: string;
}

export type UnsignedCheckpoint = Omit<SignedCheckpoint, 'signature'>;

/** The bytes signed: RFC 8785 canonical JSON of the checkpoint's fields plus the context, as UTF-8. */
export function checkpointSigningInput(c: UnsignedCheckpoint): Buffer {
  const text = canonicalize({ context: CHECKPOINT_CONTEXT, seq: c.seq, hash: c.hash, time: c.time, key_id: c.key_id })!;
  return Buffer.from(text, 'utf8');
}

export function signCheckpoint(head: { seq: string; hash: string }, time: Date, key: CheckpointSigningKey): SignedCheckpoint {
  const unsigned: UnsignedCheckpoint = { seq: head.seq, hash: head.hash, time: time.toISOString(), key_id: key.keyId };
  return { ...unsigned, signature: sign(null, checkpointSigningInput(unsigned), key.privateKey).toString('base64url') };
}

export type SignatureVerdict = { ok: true } | { ok: false; reason: string };

/** Checks who signed (key id) and what (signature); the key comes from the verifier, never from the checkpoint. */
export function verifyCheckpointSignature(c: SignedCheckpoint, key: CheckpointPublicKey): SignatureVerdict {
  if (c.key_id !== key.keyId) return { ok: false, reason: `signed by key ${c.key_id}, not by the trusted key ${key.keyId}` };
  const signature = Buffer.from(c.signature, 'base64url');
  if (!verify(null, checkpointSigningInput(c), key.publicKey, signature)) return { ok: false, reason: 'the signature does not verify: the checkpoint was altered or not signed by this key' };
  return { ok: true };
}

const FIELDS: Record<keyof SignedCheckpoint, RegExp> = {
  seq: /^[1-9]\d{0,18}$/,
  hash: /^[0-9a-f]{64}$/,
  time: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/,
  key_id: /^[A-Za-z0-9_-]{43}$/,
  signature: /^[A-Za-z0-9_-]{86}$/,
};

/** A checkpoint read from a file or a response: exactly its five fields, each in its form; throws otherwise. */
export function parseCheckpoint(value: unknown): SignedCheckpoint {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('a checkpoint is a JSON object');
  const record = value as Record<string, unknown>;
  const extra = Object.keys(record).filter((k) => !(k in FIELDS));
  if (extra.length) throw new Error(`unexpected field ${extra[0]}`);
  for (const [field, form] of Object.entries(FIELDS)) {
    const v = record[field];
    if (typeof v !== 'string' || !form.test(v)) throw new Error(`field ${field} is missing or malformed`);
  }
  return { seq: record.seq as string, hash: record.hash as string, time: record.time as string, key_id: record.key_id as string, signature: record.signature as string };
}
