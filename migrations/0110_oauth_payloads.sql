-- 0110 storage of the OAuth authorization server (oidc-provider's adapter contract): one row per
-- (model, id) — registered clients, interactions, grants, authorization and device codes, refresh
-- tokens, sessions — with its JSON payload and expiry. Looked up by id, by device user code, by
-- session uid, and revoked by grant id (a reused refresh token revokes the whole family).
create table "oauth_payloads" (
  "model" text not null,
  "id" text not null,
  "payload" jsonb not null,
  "grant_id" text null,
  "user_code" text null,
  "uid" text null,
  "consumed_at" timestamptz null,
  "expires_at" timestamptz null,
  constraint "oauth_payloads_pkey" primary key ("model", "id")
);
create index "oauth_payloads_grant_index" on "oauth_payloads" ("grant_id") where "grant_id" is not null;
create unique index "oauth_payloads_user_code_index" on "oauth_payloads" ("model", "user_code") where "user_code" is not null;
create index "oauth_payloads_uid_index" on "oauth_payloads" ("model", "uid") where "uid" is not null;
create index "oauth_payloads_expiry_index" on "oauth_payloads" ("expires_at") where "expires_at" is not null;
