package gateway

import rego.v1

# Grants given through data.grant_index (as src/policy/gateway builds it) instead of the input.
indexed(grants) := {
	"by_id": {g.id: object.union(g, {"agent_id": "agent-1"}) | some g in grants},
	"by_agent": {"agent-1": [g.id | some g in grants]},
	"lookup": {
		"agent-1": {
			"acme": {
				"P1": {"read": ["g-p1"], "create_work_item": ["g-p1"]},
				"*": {"*": ["g-star"]},
			},
		},
	},
}

star_grant := grant_with({"id": "g-star", "projects": "*", "tools": ["update_work_item"]})

test_allows_call_through_the_grant_index if {
	d := decision with input as call("get_work_item", "P1", []) with data.catalog as fixture_catalog with data.grant_index as indexed([grant_p1, star_grant])
	d.allow == true
	d.matched_grants == ["g-p1"]
}

test_index_star_keys_are_looked_up if {
	d := decision with input as call("update_work_item", "P7", []) with data.catalog as fixture_catalog with data.grant_index as indexed([grant_p1, star_grant])
	d.allow == true
	d.matched_grants == ["g-star"]
}

test_index_candidates_are_checked_in_full if {
	# The index files g-p1 under P1/read, but the grant itself is for another workspace.
	moved := grant_with({"workspace": "elsewhere"})
	d := decision with input as call("get_work_item", "P1", []) with data.catalog as fixture_catalog with data.grant_index as indexed([moved])
	d.allow == false
	codes(d) == {"no_matching_grant"}
}

test_index_of_another_agent_is_not_used if {
	inp := call_with("get_work_item", "P1", [], {"agent": {"id": "agent-2", "status": "active"}})
	d := decision with input as inp with data.catalog as fixture_catalog with data.grant_index as indexed([grant_p1])
	d.allow == false
}

test_workspace_level_call_looks_up_every_project_key if {
	d := decision with input as call("list_work_items", null, []) with data.catalog as fixture_catalog with data.grant_index as indexed([grant_p1])
	d.allow == true
}

test_expired_indexed_grant_is_reported_as_expired if {
	old := grant_with({"expires_at": an_hour_ago})
	d := decision with input as call("get_work_item", "P1", []) with data.catalog as fixture_catalog with data.grant_index as indexed([old])
	codes(d) == {"grant_expired"}
}

test_covers_project_by_list_or_star if {
	covers_project(grant_p1) with input as call("get_work_item", "P1", [])
	not covers_project(grant_p1) with input as call("get_work_item", "P2", [])
	covers_project(grant_with({"projects": "*"})) with input as call("get_work_item", "P2", [])
}

test_is_live_compares_with_request_time if {
	is_live(grant_with({"expires_at": tomorrow})) with input as call("get_work_item", "P1", [])
	not is_live(grant_with({"expires_at": an_hour_ago})) with input as call("get_work_item", "P1", [])
	is_live(grant_p1) with input as call("get_work_item", "P1", [])
}

test_index_entry_of_another_agent_is_ignored if {
	# The lookup files the grant under agent-1, but the grant itself belongs to agent-2.
	index := object.union(indexed([grant_p1]), {"by_id": {"g-p1": object.union(grant_p1, {"agent_id": "agent-2"})}})
	d := decision with input as call("get_work_item", "P1", []) with data.catalog as fixture_catalog with data.grant_index as index
	d.allow == false
	codes(d) == {"no_matching_grant"}
	tools := visible_tools with input as call("whoami", null, []) with data.catalog as fixture_catalog with data.grant_index as index
	tools == {"whoami"}
}
