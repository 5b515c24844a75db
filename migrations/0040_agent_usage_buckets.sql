-- 0040 usage counters kept beside the audit log. Counting an agent's decisions of the last minute
-- and hour in audit_events on every tool call costs a scan of every one of them, which grows with
-- the agent's call rate. A trigger on audit_events keeps per-second counts instead, in the same
-- transaction as the decision it counts, so every gateway instance still sees the same numbers
-- and they always agree with the audit log (the counts use the predicates of 0030's indexes).
create table "agent_usage_buckets" (
  "agent_id" uuid not null,
  "bucket_start" timestamptz not null,
  "calls" int not null default 0,
  "writes" int not null default 0,
  constraint "agent_usage_buckets_pkey" primary key ("agent_id", "bucket_start")
);
-- Writes are rarer than calls: the hourly count reads only the seconds that had one.
create index "agent_usage_buckets_writes_index" on "agent_usage_buckets" ("agent_id", "bucket_start") where "writes" > 0;
create index "agent_usage_buckets_bucket_start_index" on "agent_usage_buckets" ("bucket_start");

create function agent_usage_count_decision() returns trigger language plpgsql as $$
declare
  is_call int := case when new.actor_type = 'agent' then 1 else 0 end;
  is_write int := case when (new.detail->>'result') = 'allow' and (new.detail->>'tool_kind') in ('write', 'destructive') then 1 else 0 end;
begin
  if is_call + is_write = 0 then
    return null;
  end if;
  insert into agent_usage_buckets as b (agent_id, bucket_start, calls, writes)
    values (new.agent_id, date_trunc('second', new.occurred_at), is_call, is_write)
    on conflict (agent_id, bucket_start) do update set calls = b.calls + excluded.calls, writes = b.writes + excluded.writes;
  return null;
end;
$$;

create trigger audit_events_count_usage after insert on "audit_events"
  for each row when (new.kind = 'decision' and new.agent_id is not null)
  execute function agent_usage_count_decision();

-- The last hour of decisions already recorded.
insert into agent_usage_buckets (agent_id, bucket_start, calls, writes)
  select agent_id, date_trunc('second', occurred_at),
         count(*) filter (where actor_type = 'agent'),
         count(*) filter (where (detail->>'result') = 'allow' and (detail->>'tool_kind') in ('write', 'destructive'))
    from audit_events
   where kind = 'decision' and agent_id is not null and occurred_at > now() - interval '1 hour'
   group by 1, 2
  having count(*) filter (where actor_type = 'agent') + count(*) filter (where (detail->>'result') = 'allow' and (detail->>'tool_kind') in ('write', 'destructive')) > 0;

-- The counters replace the scans these indexes served.
drop index "audit_events_agent_calls_index";
drop index "audit_events_agent_writes_index";
