# The decision for one tool call (entrypoint gateway/decision). Deny by default: a call is allowed
# only when the agent is active, its token live, the tool known, a live grant covers the call (or
# the tool is self-service), and no denial rule fires. Every denial carries a code and a message.
# Constraints of all matching grants apply together: the strictest one wins.
package gateway

import rego.v1

agent_active if input.agent.status == "active"

token_live if not is_string(input.token.expires_at)

token_live if input.token.expires_at > input.request.time

grant_ok if count(matching_grants) > 0

grant_ok if self_service_tool

default allow := false

allow if {
	agent_active
	token_live
	tool_known
	grant_ok
	count(denials) == 0
}

denials contains reason("agent_inactive", concat("", ["agent ", format_value(agent_id), " is not active (status ", format_value(input.agent.status), ")"])) if {
	not agent_active
}

denials contains reason("token_expired", "the agent token has expired") if not token_live

denials contains reason("unknown_tool", concat("", ["tool ", format_value(input.action.tool), " is not in the tool catalogue"])) if {
	not tool_known
}

denials contains reason("tool_kind_mismatch", concat("", ["tool ", input.action.tool, " is a ", tool_kind, " tool, not ", input.action.kind])) if {
	kind_mismatch
}

denials contains reason("no_matching_grant", concat("", ["no grant allows ", input.action.tool, " in workspace ", format_value(workspace), project_phrase])) if {
	tool_known
	not grant_ok
	count(expired_matching_grants) == 0
}

denials contains reason("grant_expired", concat("", ["every grant that allows ", input.action.tool, " in workspace ", format_value(workspace), project_phrase, " has expired"])) if {
	tool_known
	not grant_ok
	count(expired_matching_grants) > 0
}

denials contains reason("write_budget_exceeded", concat("", ["write budget of ", format_value(budget), " per hour is used up (grant ", grant.id, ")"])) if {
	writes
	some grant in matching_grants
	budget := grant.constraints.write_budget_per_hour
	input.usage.writes_last_hour >= budget
}

denials contains reason("call_rate_exceeded", concat("", ["call limit of ", format_value(limit), " per minute is used up (grant ", grant.id, ")"])) if {
	some grant in matching_grants
	limit := grant.constraints.calls_per_minute
	input.usage.calls_last_minute >= limit
}

# Whether a budget rule above can read input.usage for this call. The gateway reads the agent's
# usage (a database round trip) only when this is true, or when a policy does not say: keep it in
# step with every rule that reads input.usage.
default usage_needed := false

# Only a number can be reached by a count: any other limit compares the same whatever the usage.
usage_needed if {
	some grant in matching_grants
	is_number(grant.constraints.calls_per_minute)
}

usage_needed if {
	writes
	some grant in matching_grants
	is_number(grant.constraints.write_budget_per_hour)
}

# Approval obligations (only meaningful when the call is allowed).
approvals contains reason("destructive_tool", concat("", ["tool ", input.action.tool, " is destructive and needs the owner's approval"])) if {
	tool_kind == "destructive"
}

approvals contains reason("project_requires_approval", concat("", ["project ", input.resource.project, " needs the owner's approval (grant ", grant.id, ")"])) if {
	has_project
	some grant in matching_grants
	input.resource.project in grant.constraints.approval_required_projects
}

approvals contains reason("tool_requires_approval", concat("", ["tool ", input.action.tool, " needs the owner's approval (grant ", grant.id, ")"])) if {
	some grant in matching_grants
	some key in grant.constraints.approval_required_tools
	key in tool_keys
}

approvals contains reason("tool_requires_approval", concat("", ["tool ", input.action.tool, " needs the owner's approval (grant ", grant.id, ")"])) if {
	some grant in matching_grants
	tool_kind in grant.constraints.approval_required_kinds
}

# A denial without any specific reason still says why (it should not happen; deny by default).
reasons := [r | some r in denials] if {
	count(denials) > 0
} else := [reason("denied_by_default", "no rule allowed this call")] if {
	not allow
} else := []

approval_reasons := [r | some r in approvals] if {
	allow
} else := []

decision := {
	"allow": allow,
	"reasons": reasons,
	"obligations": {
		"approval_required": count(approval_reasons) > 0,
		"approval_reasons": approval_reasons,
		"project_scope": project_scope,
	},
	"matched_grants": sort([id | some id in matched_grant_ids]),
	"usage_needed": usage_needed,
}

reason(code, message) := {"code": code, "message": message}

project_phrase := concat("", [" project ", input.resource.project]) if {
	has_project
} else := ""

# Text for messages from values that may be missing or not strings.
format_value(value) := value if {
	is_string(value)
} else := "(none)" if {
	value == null
} else := json.marshal(value)
