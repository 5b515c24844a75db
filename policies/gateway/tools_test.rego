package gateway

import rego.v1

visible_for(grants) := tools if {
	tools := visible_tools with input as call("whoami", null, grants) with data.catalog as fixture_catalog
}

test_visible_tools_by_kind_and_name if {
	visible_for([grant_p1]) == {"whoami", "list_work_items", "get_work_item", "list_cycle_work_items", "create_work_item"}
}

test_visible_tools_with_star_grant if {
	visible_for([grant_with({"tools": ["*"]})]) == {
		"whoami",
		"list_work_items",
		"get_work_item",
		"list_cycle_work_items",
		"create_work_item",
		"update_work_item",
		"remove_work_item_from_cycle",
		"delete_work_item",
	}
}

# Taking an item out of a cycle is a write: a read grant lists a cycle's items but cannot remove one,
# and a write grant removes without the owner's approval (it is undone by adding the item again).
test_removing_from_a_cycle_needs_a_write_grant if {
	reader := decision with input as call("remove_work_item_from_cycle", "P1", [grant_p1]) with data.catalog as fixture_catalog
	not reader.allow
	codes(reader) == {"no_matching_grant"}
	listing := decision with input as call("list_cycle_work_items", "P1", [grant_p1]) with data.catalog as fixture_catalog
	listing.allow
	writer := decision with input as call("remove_work_item_from_cycle", "P1", [grant_with({"tools": ["write"]})]) with data.catalog as fixture_catalog
	writer.allow
	not writer.obligations.approval_required
	writer.obligations.project_scope == ["P1"]
}

test_visible_tools_without_grants_is_self_service_only if {
	visible_for([]) == {"whoami"}
}

test_expired_grant_shows_no_tools if {
	visible_for([grant_with({"expires_at": an_hour_ago})]) == {"whoami"}
}

test_inactive_agent_sees_no_tools if {
	inp := call_with("whoami", null, [grant_p1], {"agent": {"id": "agent-1", "status": "disabled"}})
	tools := visible_tools with input as inp with data.catalog as fixture_catalog
	count(tools) == 0
}

test_visible_tools_from_the_grant_index if {
	tools := visible_tools with input as call("whoami", null, []) with data.catalog as fixture_catalog with data.grant_index as indexed([star_grant])
	tools == {"whoami", "update_work_item"}
}
