-- 0001 foundation: agent identities, tokens, grants, pairing, the audit chain and rate-limit counters.
-- Generated from the entity schemas in src/store/entities and kept in step with them by
-- test/store/schema-agreement.test.ts; the trigger at the end is the one addition entities cannot express.

create table "agents" ("id" uuid not null, "owner_user_id" text not null, "owner_email" text not null, "display_name" text not null, "status" text not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "revoked_at" timestamptz null, constraint "agents_pkey" primary key ("id"));
create index "agents_owner_user_id_index" on "agents" ("owner_user_id");
create index "agents_status_index" on "agents" ("status");

create table "agent_tokens" ("id" uuid not null, "agent_id" uuid not null, "prefix" text not null, "secret_hash" text not null, "label" text not null, "origin" text not null, "created_by" text not null, "created_at" timestamptz not null, "expires_at" timestamptz null, "revoked_at" timestamptz null, "rotated_to_id" uuid null, "last_used_at" timestamptz null, "last_used_ip" text null, constraint "agent_tokens_pkey" primary key ("id"));
create index "agent_tokens_agent_id_index" on "agent_tokens" ("agent_id");
alter table "agent_tokens" add constraint "agent_tokens_prefix_unique" unique ("prefix");

create table "audit_events" ("seq" bigint not null, "occurred_at" timestamptz not null, "kind" text not null, "actor_type" text not null, "actor_id" text not null, "agent_id" uuid null, "owner_user_id" text null, "subject_type" text null, "subject_id" text null, "request_id" text null, "outcome" text not null, "detail" jsonb not null, "prev_hash" text not null, "hash" text not null, constraint "audit_events_pkey" primary key ("seq"));
create index "audit_events_occurred_at_index" on "audit_events" ("occurred_at");
create index "audit_events_kind_index" on "audit_events" ("kind");
create index "audit_events_agent_id_index" on "audit_events" ("agent_id");
create index "audit_events_owner_user_id_index" on "audit_events" ("owner_user_id");

create table "grants" ("id" uuid not null, "agent_id" uuid not null, "workspace" text not null, "projects" jsonb not null, "tools" jsonb not null, "constraints" jsonb not null, "created_by" text not null, "created_at" timestamptz not null, "expires_at" timestamptz null, "revoked_at" timestamptz null, "revoked_by" text null, constraint "grants_pkey" primary key ("id"));
create index "grants_agent_id_index" on "grants" ("agent_id");

create table "pairing_codes" ("id" uuid not null, "agent_id" uuid not null, "lookup" text not null, "code_hash" text not null, "created_by" text not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null, "token_id" uuid null, "failed_attempts" int not null default 0, "locked_at" timestamptz null, constraint "pairing_codes_pkey" primary key ("id"));
create index "pairing_codes_agent_id_index" on "pairing_codes" ("agent_id");
create index "pairing_codes_lookup_index" on "pairing_codes" ("lookup");

create table "pairing_flows" ("id" uuid not null, "secret_hash" text not null, "user_code_hash" text not null, "device_name" text not null, "client_address" text not null, "status" text not null, "interval_ms" int not null, "last_polled_at" timestamptz null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "agent_id" uuid null, "decided_by" text null, "decided_at" timestamptz null, "token_id" uuid null, constraint "pairing_flows_pkey" primary key ("id"));
alter table "pairing_flows" add constraint "pairing_flows_user_code_hash_unique" unique ("user_code_hash");

create table "rate_limit_counters" ("bucket" text not null, "window_start" timestamptz not null, "count" int not null, constraint "rate_limit_counters_pkey" primary key ("bucket", "window_start"));
create index "rate_limit_counters_window_start_index" on "rate_limit_counters" ("window_start");

alter table "agent_tokens" add constraint "agent_tokens_agent_id_foreign" foreign key ("agent_id") references "agents" ("id") on update cascade;

alter table "grants" add constraint "grants_agent_id_foreign" foreign key ("agent_id") references "agents" ("id") on update cascade;

alter table "pairing_codes" add constraint "pairing_codes_agent_id_foreign" foreign key ("agent_id") references "agents" ("id") on update cascade;

-- The audit log is append-only: the application role can insert but never change or remove an
-- event. A superuser can still bypass this, which is what the hash chain detects.
create function audit_events_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_events is append-only (% refused)', tg_op using errcode = 'insufficient_privilege';
end;
$$;
create trigger audit_events_no_update_or_delete before update or delete on "audit_events"
  for each row execute function audit_events_append_only();
create trigger audit_events_no_truncate before truncate on "audit_events"
  for each statement execute function audit_events_append_only();
