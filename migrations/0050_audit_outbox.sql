-- 0050 audit outbox: outcome events the audit chain could not take at once (the chain refused
-- or could not be reached), kept in the same database until the relay appends them
-- (src/audit/outbox.ts). A row is deleted in the same transaction that appends its event, so an
-- outcome is either waiting here or in the chain, never both and never neither.
-- `event` is the event as the chain will keep it (already made storable, see src/audit/recordable.ts).
-- No entity: the table is read and written with raw SQL only, like audit_events.

create table "audit_outbox" (
  "id" bigserial not null,
  "kept_at" timestamptz not null default now(),
  "event" jsonb not null,
  "attempts" integer not null default 0,
  "last_error" text null,
  constraint "audit_outbox_pkey" primary key ("id")
);
