package gateway

import rego.v1

grant_p2 := grant_with({"id": "g-p2", "projects": ["P2", "P3"]})

# --- calls that name no project ------------------------------------------------------------

test_scope_of_call_without_project_is_the_granted_projects if {
	d := decision with input as call("list_work_items", null, [grant_p1, grant_p2]) with data.catalog as fixture_catalog
	d.allow == true
	d.obligations.project_scope == ["P1", "P2", "P3"]
}

test_scope_is_star_only_with_a_grant_for_every_project if {
	star := grant_with({"id": "g-star", "projects": "*"})
	d := decision with input as call("list_work_items", null, [grant_p1, star]) with data.catalog as fixture_catalog
	d.obligations.project_scope == "*"
}

test_scope_leaves_out_grants_of_other_tools if {
	# A grant for every project, but only for writing: it widens nothing for a read.
	writer := grant_with({"id": "g-w", "projects": "*", "tools": ["create_work_item"]})
	d := decision with input as call("get_work_item", null, [grant_p1, writer]) with data.catalog as fixture_catalog
	d.obligations.project_scope == ["P1"]
}

test_scope_leaves_out_expired_grants if {
	old := grant_with({"id": "g-old", "projects": "*", "expires_at": an_hour_ago})
	d := decision with input as call("list_work_items", null, [grant_p1, old]) with data.catalog as fixture_catalog
	d.obligations.project_scope == ["P1"]
}

test_scope_leaves_out_grants_of_other_workspaces if {
	elsewhere := grant_with({"id": "g-else", "workspace": "other", "projects": "*"})
	d := decision with input as call("list_work_items", null, [grant_p1, elsewhere]) with data.catalog as fixture_catalog
	d.obligations.project_scope == ["P1"]
}

test_scope_keys_appear_once if {
	twin := grant_with({"id": "g-twin", "projects": ["P1"]})
	d := decision with input as call("list_work_items", null, [grant_p1, twin]) with data.catalog as fixture_catalog
	d.obligations.project_scope == ["P1"]
}

test_scope_of_self_service_tool_follows_the_grants if {
	# whoami needs no grant; without one it may touch nothing (it never reaches Tasker anyway).
	d := decision with input as call("whoami", null, []) with data.catalog as fixture_catalog
	d.allow == true
	d.obligations.project_scope == []
	d2 := decision with input as call("whoami", null, [grant_p1]) with data.catalog as fixture_catalog
	d2.obligations.project_scope == ["P1"]
}

test_scope_through_the_grant_index if {
	d := decision with input as call("list_work_items", null, []) with data.catalog as fixture_catalog with data.grant_index as indexed([grant_p1])
	d.obligations.project_scope == ["P1"]
	star := grant_with({"id": "g-star", "projects": "*", "tools": ["*"]})
	d2 := decision with input as call("list_work_items", null, []) with data.catalog as fixture_catalog with data.grant_index as indexed([grant_p1, star])
	d2.obligations.project_scope == "*"
}

# --- calls that name a project -------------------------------------------------------------

test_scope_of_call_with_project_is_that_project if {
	star := grant_with({"id": "g-star", "projects": "*"})
	d := decision with input as call("get_work_item", "P1", [grant_p1, grant_p2, star]) with data.catalog as fixture_catalog
	d.obligations.project_scope == ["P1"]
}

# --- denied calls --------------------------------------------------------------------------

test_denied_call_may_touch_nothing if {
	d := decision with input as call("get_work_item", "P9", [grant_p1]) with data.catalog as fixture_catalog
	d.allow == false
	d.obligations.project_scope == []
	inp := call_with("list_work_items", null, [grant_p1], {"agent": {"id": "agent-1", "status": "suspended"}})
	d2 := decision with input as inp with data.catalog as fixture_catalog
	d2.allow == false
	d2.obligations.project_scope == []
}

test_call_without_project_and_without_grant_is_denied_with_empty_scope if {
	d := decision with input as call("list_work_items", null, []) with data.catalog as fixture_catalog
	d.allow == false
	codes(d) == {"no_matching_grant"}
	d.obligations.project_scope == []
}
