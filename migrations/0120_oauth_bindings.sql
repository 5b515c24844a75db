-- 0120 the bridge between the OAuth authorization server (oidc-provider, table oauth_payloads) and
-- the gateway's own agents: one row per consented grant naming the client and the agent it was bound
-- to, and one row per agw_ access token minted under that grant, so revoking the grant (console,
-- RFC 7009, a reused refresh token) revokes exactly the agent tokens it produced.
create table "oauth_bindings" (
  "grant_id" text not null,
  "client_id" text not null,
  "client_name" text not null,
  "client_host" text not null,
  "agent_id" uuid not null,
  "user_id" text not null,
  "created_at" timestamptz not null,
  "last_used_at" timestamptz null,
  "revoked_at" timestamptz null,
  constraint "oauth_bindings_pkey" primary key ("grant_id")
);
create index "oauth_bindings_agent_index" on "oauth_bindings" ("agent_id");

create table "oauth_binding_tokens" (
  "token_id" uuid not null,
  "grant_id" text not null references "oauth_bindings" ("grant_id") on delete cascade,
  "created_at" timestamptz not null,
  constraint "oauth_binding_tokens_pkey" primary key ("token_id")
);
create index "oauth_binding_tokens_grant_index" on "oauth_binding_tokens" ("grant_id");
