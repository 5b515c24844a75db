-- 0100 the owner console's humans: accounts (local or OpenID Connect), server-side sessions,
-- one-time invitations and the first-run setup token. Secrets (session ids, invitation and setup
-- tokens) are stored only as SHA-256 hex digests of 256-bit random values; passwords only as
-- scrypt hashes. Sign-in attempts are counted in rate_limit_counters (0001), shared by instances.
create table "console_users" (
  "id" text not null,
  "email" text not null,
  "display_name" text not null,
  "role" text not null,
  "source" text not null,
  "password_hash" text null,
  "created_at" timestamptz not null,
  "updated_at" timestamptz not null,
  "disabled_at" timestamptz null,
  "last_sign_in_at" timestamptz null,
  constraint "console_users_pkey" primary key ("id"),
  constraint "console_users_role_check" check ("role" in ('owner', 'admin')),
  constraint "console_users_source_check" check ("source" in ('local', 'oidc'))
);

create table "console_sessions" (
  "id_hash" text not null,
  -- No foreign key: accounts are never deleted, and sessions end explicitly with every account change.
  "user_id" text not null,
  "csrf_token" text not null,
  "created_at" timestamptz not null,
  "last_seen_at" timestamptz not null,
  "expires_at" timestamptz not null,
  "address" text not null,
  constraint "console_sessions_pkey" primary key ("id_hash")
);
create index "console_sessions_user_id_index" on "console_sessions" ("user_id");
create index "console_sessions_expires_at_index" on "console_sessions" ("expires_at");

create table "console_invitations" (
  "id" uuid not null,
  "token_hash" text not null,
  "role" text not null,
  "email" text not null,
  "created_by" text not null,
  "created_at" timestamptz not null,
  "expires_at" timestamptz not null,
  "used_at" timestamptz null,
  "used_by" text null,
  constraint "console_invitations_pkey" primary key ("id"),
  constraint "console_invitations_token_hash_unique" unique ("token_hash"),
  constraint "console_invitations_role_check" check ("role" in ('owner', 'admin'))
);

-- At most one setup token is open at a time (the row with id 1); it is replaced at each start
-- that finds no account, and used once.
create table "console_setup_tokens" (
  "id" int not null,
  "token_hash" text not null,
  "created_at" timestamptz not null,
  "used_at" timestamptz null,
  constraint "console_setup_tokens_pkey" primary key ("id"),
  constraint "console_setup_tokens_single" check ("id" = 1)
);
