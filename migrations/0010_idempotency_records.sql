-- 0010 idempotency records of the mediator: one row per (agent, idempotency key) of a write.
-- Generated from src/mediator/idempotency-record.ts; the primary key is the unique constraint
-- that lets exactly one of several concurrent calls with one key claim it (see src/mediator/idempotency-store.ts).
-- No foreign key to agents: records are short-lived (24 h by default) and purged by expires_at.

create table "idempotency_records" ("agent_id" uuid not null, "idempotency_key" text not null, "tool" text not null, "request_hash" text not null, "status" text not null, "claim_token" uuid not null, "decision_id" text not null, "result" jsonb null, "tasker_ref" jsonb null, "created_at" timestamptz not null, "lease_expires_at" timestamptz not null, "completed_at" timestamptz null, "expires_at" timestamptz not null, constraint "idempotency_records_pkey" primary key ("agent_id", "idempotency_key"));
create index "idempotency_records_expires_at_index" on "idempotency_records" ("expires_at");
