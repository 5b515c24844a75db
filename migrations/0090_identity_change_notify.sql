-- 0090 identity changes announced to every gateway instance (src/identity/auth-cache.ts).
-- Each instance keeps tokens, their agents and the agents' live grants in memory and listens on the
-- channel `agw_identity`. These triggers send the agent's id on every change that can make a cached
-- answer wrong: a token issued, revoked, rotated or re-dated, an agent suspended, reactivated or
-- revoked, a grant added, revoked or changed. Triggers rather than calls in the services, so every
-- path that writes these tables (internal API, console, pairing, OAuth, a DBA's UPDATE) notifies.
-- pg_notify is transactional: the message goes out when (and only if) the change commits, and
-- identical payloads of one transaction are sent once. TRUNCATE sends '*' (forget everything).
-- A token's last-used columns change on every flush of last-used times and decide nothing, so
-- token updates notify only when a column authentication reads is in the UPDATE.
create function identity_notify_change() returns trigger language plpgsql as $$
declare
  affected text;
begin
  if tg_level = 'STATEMENT' then
    perform pg_notify('agw_identity', '*');
    return null;
  end if;
  if tg_table_name = 'agents' then
    affected := coalesce(new.id, old.id)::text;
  else
    affected := coalesce(new.agent_id, old.agent_id)::text;
    if tg_op = 'UPDATE' and old.agent_id is distinct from new.agent_id then
      perform pg_notify('agw_identity', old.agent_id::text);
    end if;
  end if;
  perform pg_notify('agw_identity', affected);
  return null;
end;
$$;

create trigger agents_notify_identity after update or delete on "agents"
  for each row execute function identity_notify_change();
create trigger agents_notify_identity_truncate after truncate on "agents"
  for each statement execute function identity_notify_change();

create trigger agent_tokens_notify_identity
  after insert or delete or update of "agent_id", "prefix", "secret_hash", "expires_at", "revoked_at" on "agent_tokens"
  for each row execute function identity_notify_change();
create trigger agent_tokens_notify_identity_truncate after truncate on "agent_tokens"
  for each statement execute function identity_notify_change();

create trigger grants_notify_identity after insert or update or delete on "grants"
  for each row execute function identity_notify_change();
create trigger grants_notify_identity_truncate after truncate on "grants"
  for each statement execute function identity_notify_change();
