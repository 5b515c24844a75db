/** Audit: the append-only, hash-chained event log every stage records into. */
export { AuditLog, type AuditFilter } from './audit-log.js';
export { AUDIT_CHAIN_LOCK_KEY } from './chain-writer.js';
export { GroupCommitAppender, MAX_BATCH, LAZY_FLUSH_MS, type AppendOptions } from './group-commit.js';
export { verifyChain, type ChainVerdict } from './verify.js';
export { GENESIS_HASH, eventHash, type Actor, type ActorType, type AuditEventInput, type AuditRecord } from './event.js';
export { canonicalJson, sha256Hex } from './canonical.js';
export { ENCODED_MARK, DEPTH_CUT, MAX_RECORD_DEPTH, recordable, recordableString, decodeRecorded, isStorableString } from './recordable.js';
export { REFUSED_EVENT_KIND } from './refusal.js';
export { AuditOutbox, RELAY_BATCH, RELAY_INTERVAL_MS, type Durability, type RelayPass, type RelayHooks } from './outbox.js';
export { CHECKPOINT_KIND, CHECKPOINT_CONTEXT, checkpointSigningInput, signCheckpoint, verifyCheckpointSignature, parseCheckpoint, type SignedCheckpoint, type SignatureVerdict } from './checkpoint.js';
export { SIGNING_KEY_FILE_NAME, resolveSigningKey, signingKeyFrom, publicKeyFrom, type CheckpointPublicKey, type CheckpointSigningKey, type CheckpointKeySettings } from './checkpoint-key.js';
export { AuditCheckpointer, type CheckpointResult, type CheckpointTrigger, type CheckpointerOptions } from './checkpointer.js';
export { verifyCheckpointInChain, type CheckpointVerdict } from './verify-checkpoint.js';
