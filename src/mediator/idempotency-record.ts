import { EntitySchema } from '@mikro-orm/core';

/** `in_progress`: one caller holds the key and is running the write; `succeeded`: its result is stored. */
export type IdempotencyStatus = 'in_progress' | 'succeeded';

/**
 * One idempotency key of one agent. The primary key (agent_id, idempotency_key) is the unique
 * constraint that lets exactly one of several concurrent callers claim a key. Failed executions
 * leave no row (the key is released), so only `in_progress` and `succeeded` exist.
 */
export interface IdempotencyRecord {
  agentId: string;
  idempotencyKey: string;
  tool: string;
  /** SHA-256 (hex) of the canonical JSON of tool and arguments; a reuse with other arguments is refused. */
  requestHash: string;
  status: IdempotencyStatus;
  /** Names the current holder, so a holder whose lease was taken over cannot overwrite the row. */
  claimToken: string;
  decisionId: string;
  result?: unknown;
  taskerRef?: unknown;
  createdAt: Date;
  /** Until then an `in_progress` row belongs to its holder; afterwards a retry may take it over. */
  leaseExpiresAt: Date;
  completedAt?: Date | null;
  /** After this the row is ignored (a new call with the key runs again) and may be purged. */
  expiresAt: Date;
}

export const IdempotencyRecordSchema = new EntitySchema<IdempotencyRecord>({
  name: 'IdempotencyRecord',
  tableName: 'idempotency_records',
  properties: {
    agentId: { type: 'uuid', primary: true },
    idempotencyKey: { type: 'text', primary: true },
    tool: { type: 'text' },
    requestHash: { type: 'text' },
    status: { type: 'text' },
    claimToken: { type: 'uuid' },
    decisionId: { type: 'text' },
    result: { type: 'json', nullable: true },
    taskerRef: { type: 'json', nullable: true },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
    leaseExpiresAt: { type: 'datetime', columnType: 'timestamptz' },
    completedAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    expiresAt: { type: 'datetime', columnType: 'timestamptz', index: 'idempotency_records_expires_at_index' },
  },
});
