-- 0030 usage counters: the decision input counts an agent's recent decisions on every tool call.
-- Partial indexes on exactly the rows each counter counts, so both counts are short index range
-- scans over the last minute / hour of that agent instead of a walk over all its audit events.
create index "audit_events_agent_calls_index" on "audit_events" ("agent_id", "occurred_at")
  where "kind" = 'decision' and "actor_type" = 'agent';
create index "audit_events_agent_writes_index" on "audit_events" ("agent_id", "occurred_at")
  where "kind" = 'decision' and ("detail"->>'result') = 'allow' and ("detail"->>'tool_kind') in ('write', 'destructive');
