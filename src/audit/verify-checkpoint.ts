import { sql, type EntityManager } from '../store/index.js';
import { verifyCheckpointSignature, type SignedCheckpoint } from './checkpoint.js';
import type { CheckpointPublicKey } from './checkpoint-key.js';

export type CheckpointVerdict = { ok: true } | { ok: false; seq: string; signatureValid: boolean; reason: string };

/**
 * Holds the chain to a checkpoint kept outside it: the checkpoint must be signed by the trusted
 * key, and the chain must still contain the event it signed, with the same hash. Since each hash
 * covers every event before it, that catches a deleted tail and a rewrite that re-hashed
 * everything after an edit, which `verifyChain` alone (the chain checked against itself) cannot.
 */
export async function verifyCheckpointInChain(em: EntityManager, checkpoint: SignedCheckpoint, key: CheckpointPublicKey): Promise<CheckpointVerdict> {
  const { seq } = checkpoint;
  const signature = verifyCheckpointSignature(checkpoint, key);
  if (!signature.ok) return { ok: false, seq, signatureValid: false, reason: signature.reason };
  const [row] = await sql<{ hash: string }>(em, 'select hash from audit_events where seq = ?', [seq]);
  if (!row) return { ok: false, seq, signatureValid: true, reason: `the chain no longer contains event ${seq}: events were deleted from it` };
  if (row.hash !== checkpoint.hash) return { ok: false, seq, signatureValid: true, reason: `event ${seq} now has hash ${row.hash}, the checkpoint signed ${checkpoint.hash}: the chain was rewritten` };
  return { ok: true };
}
