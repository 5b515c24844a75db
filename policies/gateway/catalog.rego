# The tool catalogue: which tools exist and what kind each is. The gateway loads it into
# data.catalog.tools from the tool contracts in schemas/tools/ (setData), so a tool without a
# contract is unknown to the policy and always denied.
package gateway

import rego.v1

# The requested tool's catalogue entry: {"kind": "read"|"write"|"destructive", "self_service": bool}.
requested_tool := data.catalog.tools[input.action.tool]

tool_known if requested_tool

# The catalogue's kind is authoritative; the kind in the input is only cross-checked.
tool_kind := requested_tool.kind

writes if tool_kind in {"write", "destructive"}

# Gateway tools about the agent itself (whoami, explain, get_action_status) need no grant.
self_service_tool if requested_tool.self_service == true

kind_mismatch if {
	is_string(input.action.kind)
	input.action.kind != tool_kind
}
