# Which tools an agent may see in tools/list (entrypoint gateway/visible_tools): an active agent
# with a live token sees the self-service tools and every catalogue tool that one of its live
# grants names by tool name, tool kind or "*". Seeing a tool does not mean every call is allowed:
# workspace, project and constraints are decided per call by gateway/decision.
package gateway

import rego.v1

visible_tools contains name if {
	agent_active
	token_live
	some name, entry in data.catalog.tools
	tool_visible(name, entry)
}

tool_visible(_, entry) if entry.self_service == true

tool_visible(name, _) if name in live_agent_grant_tool_keys

tool_visible(_, entry) if entry.kind in live_agent_grant_tool_keys

tool_visible(_, _) if "*" in live_agent_grant_tool_keys
