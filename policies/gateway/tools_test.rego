package gateway

import rego.v1

visible_for(grants) := tools if {
	tools := visible_tools with input as call("whoami", null, grants) with data.catalog as fixture_catalog
}

test_visible_tools_by_kind_and_name if {
	visible_for([grant_p1]) == {"whoami", "list_work_items", "get_work_item", "create_work_item"}
}

test_visible_tools_with_star_grant if {
	visible_for([grant_with({"tools": ["*"]})]) == {"whoami", "list_work_items", "get_work_item", "create_work_item", "update_work_item", "delete_work_item"}
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
