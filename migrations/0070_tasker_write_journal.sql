-- 0070 honest write outcomes (src/mediator/write-journal.ts, src/mediator/reconciler.ts).
-- tasker_writes: one row per Tasker write whose outcome is not known yet. `in_flight`: a gateway is
-- running it (holder_lock names that gateway's session-level advisory lock, held for its lifetime;
-- when the lock is free the gateway is gone). `unknown`: its answer was lost and Tasker could not
-- show yet whether it landed. Rows go once the outcome is known, by the holder or the reconciler.
-- An idempotency key in progress is claimed in the same transaction as its row, so a key whose
-- holder died is reconciled from here instead of being taken over blindly when its lease ends.
create table "tasker_writes" (
  "decision_id" text not null,
  "agent_id" uuid not null,
  "agent" jsonb not null,
  "idempotency_key" text null,
  "claim_token" uuid null,
  "tool" text not null,
  "args" jsonb not null,
  "holder_lock" bigint null,
  "status" text not null,
  "sent_at" timestamptz not null,
  "next_check_at" timestamptz not null,
  "checks" integer not null default 0,
  constraint "tasker_writes_pkey" primary key ("decision_id"),
  constraint "tasker_writes_status_check" check ("status" in ('in_flight', 'unknown'))
);
create index "tasker_writes_key_index" on "tasker_writes" ("agent_id", "idempotency_key") where "idempotency_key" is not null;
create index "tasker_writes_next_check_at_index" on "tasker_writes" ("next_check_at");

-- The gateway running an approved action (its advisory lock, as above): a running action whose
-- holder is gone is reconciled against Tasker instead of being failed blindly after ten minutes.
alter table "pending_actions" add column "holder_lock" bigint null;
