-- 0101 notifications of pending actions. A trigger on pending_actions announces every new action
-- and every status change with pg_notify on the channel 'pending_actions' (delivered at commit,
-- to every gateway instance: the console's inbox updates live from it), and queues one webhook
-- delivery per parked action in the same transaction, so no parked action is missed even when no
-- instance was listening. Deliveries are claimed with FOR UPDATE SKIP LOCKED: one instance sends each.
create table "approval_webhook_deliveries" (
  "action_id" uuid not null,
  "status" text not null default 'queued',
  "attempts" int not null default 0,
  "next_attempt_at" timestamptz not null,
  "last_error" text null,
  "created_at" timestamptz not null,
  "delivered_at" timestamptz null,
  constraint "approval_webhook_deliveries_pkey" primary key ("action_id"),
  constraint "approval_webhook_deliveries_status_check" check ("status" in ('queued', 'delivered', 'failed', 'skipped'))
);
create index "approval_webhook_deliveries_due_index" on "approval_webhook_deliveries" ("next_attempt_at") where "status" = 'queued';

create function pending_actions_notify() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    insert into approval_webhook_deliveries (action_id, status, attempts, next_attempt_at, created_at)
      values (new.id, 'queued', 0, now(), now()) on conflict do nothing;
  elsif new.status is not distinct from old.status then
    return null;
  end if;
  perform pg_notify('pending_actions', json_build_object('id', new.id, 'owner_user_id', new.owner_user_id, 'agent_id', new.agent_id, 'status', new.status)::text);
  return null;
end;
$$;

create trigger pending_actions_notify after insert or update of "status" on "pending_actions"
  for each row execute function pending_actions_notify();
