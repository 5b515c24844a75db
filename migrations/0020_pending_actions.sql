-- 0020 pending actions: calls the policy allowed only with the owner's approval, parked until the
-- owner approves or denies them, or they expire. Entity: src/approvals/pending-action.ts.
-- status: pending -> running -> succeeded | failed, or pending -> denied | expired. Every change is
-- a conditional UPDATE on the current status, so a second or concurrent approval changes nothing.
-- No foreign key to agents, like the mediator's records: agents are never deleted, and the action
-- must stay readable as a record of what was asked even if that changes.

create table "pending_actions" (
  "id" uuid not null,
  "agent_id" uuid not null,
  "owner_user_id" text not null,
  "token_id" uuid not null,
  "tool" text not null,
  "args" jsonb not null,
  "args_sha256" text not null,
  "resource" jsonb not null,
  "decision_id" text not null,
  "idempotency_key" text null,
  "transport" text not null,
  "request_id" text null,
  "approval_reasons" jsonb not null,
  "status" text not null,
  "created_at" timestamptz not null,
  "expires_at" timestamptz not null,
  "decided_at" timestamptz null,
  "decided_by" text null,
  "decision_note" text null,
  "result" jsonb null,
  "error" jsonb null,
  "completed_at" timestamptz null,
  constraint "pending_actions_pkey" primary key ("id"),
  constraint "pending_actions_status_check" check ("status" in ('pending', 'running', 'succeeded', 'failed', 'denied', 'expired'))
);
create index "pending_actions_agent_id_created_at_index" on "pending_actions" ("agent_id", "created_at" desc, "id" desc);
create index "pending_actions_owner_user_id_created_at_index" on "pending_actions" ("owner_user_id", "created_at" desc, "id" desc);
create index "pending_actions_created_at_index" on "pending_actions" ("created_at" desc, "id" desc);
create index "pending_actions_due_index" on "pending_actions" ("expires_at") where "status" = 'pending';
-- A retry of a parked write with the same idempotency key finds the action already waiting.
create unique index "pending_actions_open_key_unique" on "pending_actions" ("agent_id", "idempotency_key")
  where "idempotency_key" is not null and "status" in ('pending', 'running');
