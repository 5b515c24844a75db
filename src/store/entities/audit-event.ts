import { EntitySchema } from '@mikro-orm/core';

/** One link of the append-only, hash-chained audit log. */
export interface AuditEvent {
  /** Position in the chain, gap-free, assigned under the chain lock. */
  seq: string;
  occurredAt: Date;
  kind: string;
  actorType: string;
  actorId: string;
  agentId?: string | null;
  ownerUserId?: string | null;
  subjectType?: string | null;
  subjectId?: string | null;
  requestId?: string | null;
  outcome: string;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export const AuditEventSchema = new EntitySchema<AuditEvent>({
  name: 'AuditEvent',
  tableName: 'audit_events',
  properties: {
    seq: { type: 'bigint', primary: true, autoincrement: false },
    occurredAt: { type: 'datetime', columnType: 'timestamptz', index: 'audit_events_occurred_at_index' },
    kind: { type: 'text', index: 'audit_events_kind_index' },
    actorType: { type: 'text' },
    actorId: { type: 'text' },
    agentId: { type: 'uuid', nullable: true, index: 'audit_events_agent_id_index' },
    ownerUserId: { type: 'text', nullable: true, index: 'audit_events_owner_user_id_index' },
    subjectType: { type: 'text', nullable: true },
    subjectId: { type: 'text', nullable: true },
    requestId: { type: 'text', nullable: true },
    outcome: { type: 'text' },
    detail: { type: 'json' },
    prevHash: { type: 'text' },
    hash: { type: 'text' },
  },
});
