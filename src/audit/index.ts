/** Audit: the append-only, hash-chained event log every stage records into. */
export { AuditLog, type AuditFilter } from './audit-log.js';
export { AUDIT_CHAIN_LOCK_KEY } from './chain-writer.js';
export { GroupCommitAppender, MAX_BATCH, LAZY_FLUSH_MS, type AppendOptions } from './group-commit.js';
export { verifyChain, type ChainVerdict } from './verify.js';
export { GENESIS_HASH, eventHash, type Actor, type ActorType, type AuditEventInput, type AuditRecord } from './event.js';
export { canonicalJson, sha256Hex } from './canonical.js';
