import { EntitySchema } from '@mikro-orm/core';

/** `running`: approved and being carried out; the others are final except `pending`. */
export type PendingActionStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'denied' | 'expired';

export interface ActionResource {
  workspace: string | null;
  project: string | null;
  work_item: string | null;
}

export interface ActionReason {
  code: string;
  message: string;
}

/** A call the policy allowed only with the owner's approval (table `pending_actions`, migration 0020). */
export interface PendingAction {
  id: string;
  agentId: string;
  ownerUserId: string;
  /** The token the agent called with; an approval re-checks that it is still live. */
  tokenId: string;
  tool: string;
  /** The validated arguments, exactly as they will be run. */
  args: Record<string, unknown>;
  argsSha256: string;
  resource: ActionResource;
  /** The decision that parked the action. */
  decisionId: string;
  idempotencyKey?: string | null;
  transport: 'mcp' | 'rest';
  requestId?: string | null;
  approvalReasons: ActionReason[];
  status: PendingActionStatus;
  createdAt: Date;
  expiresAt: Date;
  decidedAt?: Date | null;
  decidedBy?: string | null;
  decisionNote?: string | null;
  result?: unknown;
  error?: { code: string; message: string; reasons?: ActionReason[] } | null;
  completedAt?: Date | null;
  /** The InstanceLock key of the gateway running it (migration 0070); null when none does. */
  holderLock?: string | null;
}

export const PendingActionSchema = new EntitySchema<PendingAction>({
  name: 'PendingAction',
  tableName: 'pending_actions',
  // Mirrors migrations/0020_pending_actions.sql. Its status check is left to the migration: MikroORM
  // 6.6 cannot round-trip a column check, and would report it as a difference either way.
  indexes: [
    { name: 'pending_actions_agent_id_created_at_index', expression: 'create index "pending_actions_agent_id_created_at_index" on "pending_actions" ("agent_id", "created_at" desc, "id" desc)' },
    { name: 'pending_actions_owner_user_id_created_at_index', expression: 'create index "pending_actions_owner_user_id_created_at_index" on "pending_actions" ("owner_user_id", "created_at" desc, "id" desc)' },
    { name: 'pending_actions_created_at_index', expression: 'create index "pending_actions_created_at_index" on "pending_actions" ("created_at" desc, "id" desc)' },
    { name: 'pending_actions_due_index', expression: `create index "pending_actions_due_index" on "pending_actions" ("expires_at") where "status" = 'pending'` },
  ],
  uniques: [
    {
      name: 'pending_actions_open_key_unique',
      expression: `create unique index "pending_actions_open_key_unique" on "pending_actions" ("agent_id", "idempotency_key") where "idempotency_key" is not null and "status" in ('pending', 'running')`,
    },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    agentId: { type: 'uuid' },
    ownerUserId: { type: 'text' },
    tokenId: { type: 'uuid' },
    tool: { type: 'text' },
    args: { type: 'json' },
    argsSha256: { type: 'text' },
    resource: { type: 'json' },
    decisionId: { type: 'text' },
    idempotencyKey: { type: 'text', nullable: true },
    transport: { type: 'text' },
    requestId: { type: 'text', nullable: true },
    approvalReasons: { type: 'json' },
    status: { type: 'text' },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
    expiresAt: { type: 'datetime', columnType: 'timestamptz' },
    decidedAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    decidedBy: { type: 'text', nullable: true },
    decisionNote: { type: 'text', nullable: true },
    result: { type: 'json', nullable: true },
    error: { type: 'json', nullable: true },
    completedAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    holderLock: { type: 'bigint', nullable: true },
  },
});

/** The approvals stage's tables, registered through the decision extension. */
export const APPROVAL_ENTITIES: EntitySchema<any>[] = [PendingActionSchema];
