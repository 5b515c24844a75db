import type { EntityManager } from '../store/index.js';
import { sql } from '../store/index.js';
import { GENESIS_HASH, eventHash, type AuditRow } from './event.js';

export type ChainVerdict =
  | { ok: true; checked: number; lastSeq: string | null }
  | { ok: false; checked: number; brokenSeq: string; reason: string };

/**
 * Walks the chain in seq order, a page at a time, recomputing each hash and checking each link.
 * Stops at the first broken event: everything after it is unverifiable anyway.
 */
export async function verifyChain(em: EntityManager, pageSize = 1000): Promise<ChainVerdict> {
  let expectedSeq = 1n;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  for (;;) {
    const rows = await sql<AuditRow>(em, 'select * from audit_events where seq >= ? order by seq asc limit ?', [expectedSeq.toString(), pageSize]);
    for (const row of rows) {
      const seq = String(row.seq);
      if (BigInt(seq) !== expectedSeq) return { ok: false, checked, brokenSeq: seq, reason: `expected event ${expectedSeq} but found ${seq}: events are missing` };
      if (row.prev_hash !== prevHash) return { ok: false, checked, brokenSeq: seq, reason: 'prev_hash does not match the hash of the event before it' };
      const { hash, ...rest } = row;
      if (eventHash(rest) !== hash) return { ok: false, checked, brokenSeq: seq, reason: 'hash does not match the event content' };
      prevHash = hash;
      expectedSeq += 1n;
      checked += 1;
    }
    if (rows.length < pageSize) return { ok: true, checked, lastSeq: checked ? (expectedSeq - 1n).toString() : null };
  }
}
