# Shared fixtures for the gateway policy's unit tests.
package gateway

import rego.v1

now := "2026-03-01T12:00:00.000Z"

an_hour_ago := "2026-03-01T11:00:00.000Z"

tomorrow := "2026-03-02T12:00:00.000Z"

fixture_catalog := {
	"tools": {
		"list_work_items": {"kind": "read"},
		"get_work_item": {"kind": "read"},
		"create_work_item": {"kind": "write"},
		"update_work_item": {"kind": "write"},
		"delete_work_item": {"kind": "destructive"},
		"list_cycle_work_items": {"kind": "read"},
		"remove_work_item_from_cycle": {"kind": "write"},
		"whoami": {"kind": "read", "self_service": true},
	},
}

grant_p1 := {
	"id": "g-p1",
	"workspace": "acme",
	"projects": ["P1"],
	"tools": ["read", "create_work_item"],
	"constraints": {},
	"expires_at": null,
}

# The decision input for one call; grants are passed in the input.
call(tool, project, grants) := {
	"agent": {"id": "agent-1", "owner_user_id": "user-1", "status": "active", "display_name": "codex"},
	"token": {"id": "tok-1", "expires_at": tomorrow},
	"grants": grants,
	"action": {"tool": tool, "kind": fixture_catalog.tools[tool].kind, "args": {}},
	"resource": {"workspace": "acme", "project": project, "work_item": null},
	"request": {"transport": "mcp", "request_id": "req-1", "idempotency_key": null, "time": now},
	"usage": {"calls_last_minute": 0, "writes_last_hour": 0},
}

# The same with some top-level parts replaced.
call_with(tool, project, grants, patch) := object.union(call(tool, project, grants), patch)

grant_with(patch) := object.union(grant_p1, patch)

codes(d) := {r.code | some r in d.reasons}

approval_codes(d) := {r.code | some r in d.obligations.approval_reasons}
