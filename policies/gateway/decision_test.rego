package gateway

import rego.v1

# --- allowed calls ---------------------------------------------------------------------------

test_allows_read_tool_granted_by_kind if {
	d := decision with input as call("list_work_items", "P1", [grant_p1]) with data.catalog as fixture_catalog
	d.allow == true
	d.reasons == []
	d.matched_grants == ["g-p1"]
	d.obligations.approval_required == false
	d.obligations.approval_reasons == []
}

test_allows_write_tool_granted_by_name if {
	d := decision with input as call("create_work_item", "P1", [grant_p1]) with data.catalog as fixture_catalog
	d.allow == true
	d.obligations.approval_required == false
}

test_allows_any_tool_with_star_grant if {
	g := grant_with({"tools": ["*"]})
	d := decision with input as call("update_work_item", "P1", [g]) with data.catalog as fixture_catalog
	d.allow == true
}

test_allows_any_project_with_star_projects if {
	g := grant_with({"projects": "*"})
	d := decision with input as call("get_work_item", "P9", [g]) with data.catalog as fixture_catalog
	d.allow == true
}

test_allows_workspace_level_call_without_project if {
	d := decision with input as call("list_work_items", null, [grant_p1]) with data.catalog as fixture_catalog
	d.allow == true
}

test_allows_self_service_tool_without_grant if {
	d := decision with input as call("whoami", null, []) with data.catalog as fixture_catalog
	d.allow == true
	d.matched_grants == []
}

test_lists_every_matching_grant_sorted if {
	g2 := grant_with({"id": "g-a", "tools": ["*"]})
	d := decision with input as call("get_work_item", "P1", [grant_p1, g2]) with data.catalog as fixture_catalog
	d.matched_grants == ["g-a", "g-p1"]
}

test_ignores_expired_grant_when_a_live_one_matches if {
	old := grant_with({"id": "g-old", "expires_at": an_hour_ago})
	live := grant_with({"id": "g-live", "expires_at": tomorrow})
	d := decision with input as call("get_work_item", "P1", [old, live]) with data.catalog as fixture_catalog
	d.allow == true
	d.matched_grants == ["g-live"]
}

# --- denials, one per code ------------------------------------------------------------------

test_denies_inactive_agent if {
	inp := call_with("get_work_item", "P1", [grant_p1], {"agent": {"id": "agent-1", "status": "suspended"}})
	d := decision with input as inp with data.catalog as fixture_catalog
	d.allow == false
	codes(d) == {"agent_inactive"}
}

test_denies_expired_token if {
	inp := call_with("get_work_item", "P1", [grant_p1], {"token": {"id": "tok-1", "expires_at": an_hour_ago}})
	d := decision with input as inp with data.catalog as fixture_catalog
	d.allow == false
	codes(d) == {"token_expired"}
}

test_denies_unknown_tool if {
	inp := call_with("get_work_item", "P1", [grant_p1], {"action": {"tool": "drop_database", "args": {}}})
	d := decision with input as inp with data.catalog as fixture_catalog
	d.allow == false
	codes(d) == {"unknown_tool"}
}

test_denies_kind_that_contradicts_the_catalogue if {
	inp := call_with("delete_work_item", "P1", [grant_with({"tools": ["*"]})], {"action": {"tool": "delete_work_item", "kind": "read", "args": {}}})
	d := decision with input as inp with data.catalog as fixture_catalog
	d.allow == false
	"tool_kind_mismatch" in codes(d)
}

test_denies_other_workspace if {
	g := grant_with({"workspace": "other"})
	d := decision with input as call("get_work_item", "P1", [g]) with data.catalog as fixture_catalog
	d.allow == false
	codes(d) == {"no_matching_grant"}
	d.matched_grants == []
}

test_denies_other_project if {
	d := decision with input as call("get_work_item", "P2", [grant_p1]) with data.catalog as fixture_catalog
	d.allow == false
	codes(d) == {"no_matching_grant"}
}

test_denies_tool_not_named_by_grant if {
	d := decision with input as call("update_work_item", "P1", [grant_p1]) with data.catalog as fixture_catalog
	d.allow == false
	codes(d) == {"no_matching_grant"}
}

test_denies_without_grants if {
	d := decision with input as call("get_work_item", "P1", []) with data.catalog as fixture_catalog
	d.allow == false
	codes(d) == {"no_matching_grant"}
}

test_denies_when_only_expired_grants_match if {
	g := grant_with({"expires_at": an_hour_ago})
	d := decision with input as call("get_work_item", "P1", [g]) with data.catalog as fixture_catalog
	d.allow == false
	codes(d) == {"grant_expired"}
	d.matched_grants == []
}

test_grant_expiring_exactly_now_is_expired if {
	g := grant_with({"expires_at": now})
	d := decision with input as call("get_work_item", "P1", [g]) with data.catalog as fixture_catalog
	codes(d) == {"grant_expired"}
}

test_denies_write_over_budget if {
	g := grant_with({"constraints": {"write_budget_per_hour": 5}})
	inp := call_with("create_work_item", "P1", [g], {"usage": {"calls_last_minute": 0, "writes_last_hour": 5}})
	d := decision with input as inp with data.catalog as fixture_catalog
	d.allow == false
	codes(d) == {"write_budget_exceeded"}
}

test_allows_write_under_budget if {
	g := grant_with({"constraints": {"write_budget_per_hour": 5}})
	inp := call_with("create_work_item", "P1", [g], {"usage": {"calls_last_minute": 0, "writes_last_hour": 4}})
	d := decision with input as inp with data.catalog as fixture_catalog
	d.allow == true
}

test_write_budget_does_not_limit_reads if {
	g := grant_with({"constraints": {"write_budget_per_hour": 0}})
	inp := call_with("get_work_item", "P1", [g], {"usage": {"calls_last_minute": 0, "writes_last_hour": 10}})
	d := decision with input as inp with data.catalog as fixture_catalog
	d.allow == true
}

test_strictest_write_budget_of_matching_grants_wins if {
	loose := grant_with({"id": "g-loose", "constraints": {"write_budget_per_hour": 100}})
	tight := grant_with({"id": "g-tight", "constraints": {"write_budget_per_hour": 2}})
	inp := call_with("create_work_item", "P1", [loose, tight], {"usage": {"calls_last_minute": 0, "writes_last_hour": 3}})
	d := decision with input as inp with data.catalog as fixture_catalog
	codes(d) == {"write_budget_exceeded"}
}

test_denies_calls_over_rate_limit if {
	g := grant_with({"constraints": {"calls_per_minute": 10}})
	inp := call_with("get_work_item", "P1", [g], {"usage": {"calls_last_minute": 10, "writes_last_hour": 0}})
	d := decision with input as inp with data.catalog as fixture_catalog
	codes(d) == {"call_rate_exceeded"}
}

# usage_needed says when the gateway must read the agent's usage: exactly when a budget rule can fire.
test_usage_not_needed_without_a_budget if {
	g := grant_with({"constraints": {"approval_required_kinds": ["destructive"]}})
	d := decision with input as call("create_work_item", "P1", [g]) with data.catalog as fixture_catalog
	d.usage_needed == false
}

test_usage_needed_for_a_call_rate_limit if {
	g := grant_with({"constraints": {"calls_per_minute": 10}})
	d := decision with input as call("get_work_item", "P1", [g]) with data.catalog as fixture_catalog
	d.usage_needed == true
}

test_usage_needed_for_a_write_budget_on_a_write_only if {
	g := grant_with({"constraints": {"write_budget_per_hour": 5}})
	write := decision with input as call("create_work_item", "P1", [g]) with data.catalog as fixture_catalog
	write.usage_needed == true
	read := decision with input as call("get_work_item", "P1", [g]) with data.catalog as fixture_catalog
	read.usage_needed == false
}

test_usage_not_needed_for_a_budget_of_a_grant_that_does_not_match if {
	other := grant_with({"id": "g-other", "projects": ["P2"], "constraints": {"calls_per_minute": 1}})
	d := decision with input as call("get_work_item", "P1", [grant_p1, other]) with data.catalog as fixture_catalog
	d.usage_needed == false
}

# A limit that is not a number compares the same whatever the usage, so it needs none read.
test_usage_not_needed_for_a_limit_that_is_not_a_number if {
	g := grant_with({"constraints": {"calls_per_minute": "10"}})
	idle := decision with input as call("get_work_item", "P1", [g]) with data.catalog as fixture_catalog
	idle.usage_needed == false
	busy := decision with input as call_with("get_work_item", "P1", [g], {"usage": {"calls_last_minute": 1000000, "writes_last_hour": 0}}) with data.catalog as fixture_catalog
	busy.allow == idle.allow
}

test_reports_every_denial_reason if {
	inp := call_with("update_work_item", "P2", [grant_p1], {"agent": {"id": "agent-1", "status": "revoked"}})
	d := decision with input as inp with data.catalog as fixture_catalog
	codes(d) == {"agent_inactive", "no_matching_grant"}
	every r in d.reasons {
		is_string(r.message)
		r.message != ""
	}
}

test_denies_empty_input_with_a_reason if {
	d := decision with input as {} with data.catalog as fixture_catalog
	d.allow == false
	count(d.reasons) > 0
}

test_denies_everything_without_a_catalogue if {
	d := decision with input as call("get_work_item", "P1", [grant_p1])
	d.allow == false
	codes(d) == {"unknown_tool"}
}

# --- approval obligations -------------------------------------------------------------------

test_destructive_tool_always_needs_approval if {
	g := grant_with({"tools": ["*"]})
	d := decision with input as call("delete_work_item", "P1", [g]) with data.catalog as fixture_catalog
	d.allow == true
	d.obligations.approval_required == true
	approval_codes(d) == {"destructive_tool"}
}

test_project_marked_in_grant_needs_approval if {
	g := grant_with({"constraints": {"approval_required_projects": ["P1"]}})
	d := decision with input as call("create_work_item", "P1", [g]) with data.catalog as fixture_catalog
	d.allow == true
	approval_codes(d) == {"project_requires_approval"}
}

test_tool_marked_in_grant_needs_approval if {
	g := grant_with({"constraints": {"approval_required_tools": ["create_work_item"]}})
	d := decision with input as call("create_work_item", "P1", [g]) with data.catalog as fixture_catalog
	approval_codes(d) == {"tool_requires_approval"}
}

test_kind_marked_in_grant_needs_approval if {
	g := grant_with({"constraints": {"approval_required_tools": ["write"]}})
	d := decision with input as call("create_work_item", "P1", [g]) with data.catalog as fixture_catalog
	approval_codes(d) == {"tool_requires_approval"}
}

test_kind_in_approval_required_kinds_needs_approval if {
	g := grant_with({"constraints": {"approval_required_kinds": ["write"]}})
	d := decision with input as call("create_work_item", "P1", [g]) with data.catalog as fixture_catalog
	approval_codes(d) == {"tool_requires_approval"}
}

test_other_kind_in_approval_required_kinds_needs_no_approval if {
	g := grant_with({"constraints": {"approval_required_kinds": ["destructive"]}})
	d := decision with input as call("create_work_item", "P1", [g]) with data.catalog as fixture_catalog
	d.obligations.approval_required == false
}

test_unmarked_project_needs_no_approval if {
	g := grant_with({"projects": ["P1", "P2"], "constraints": {"approval_required_projects": ["P2"]}})
	d := decision with input as call("create_work_item", "P1", [g]) with data.catalog as fixture_catalog
	d.obligations.approval_required == false
}

test_denied_call_carries_no_approval if {
	g := grant_with({"workspace": "other", "tools": ["*"]})
	d := decision with input as call("delete_work_item", "P1", [g]) with data.catalog as fixture_catalog
	d.allow == false
	d.obligations.approval_required == false
}
