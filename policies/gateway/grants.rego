# Grant matching. Grants reach the policy in one of two ways, and both may be used at once:
#   - input.grants: the calling agent's grants only, scanned (simple; fine for a handful of grants);
#   - data.grant_index: every grant indexed by agent, workspace, project and tool key, loaded with
#     setData when grants change (see docs/POLICY_GUIDE.md). A decision then looks up a few keys
#     instead of scanning, which keeps it fast with thousands of grants.
# The index only narrows the search: every candidate is checked in full by grant_covers below.
package gateway

import rego.v1

agent_id := input.agent.id

workspace := input.resource.workspace

has_project if is_string(input.resource.project)

# The keys a grant can name a tool by: the tool's name, its kind, or "*".
tool_keys contains input.action.tool

tool_keys contains tool_kind

tool_keys contains "*"

# Project keys to look up in the index: the project and "*", or every key for workspace-level tools.
project_keys contains "*"

project_keys contains input.resource.project if has_project

project_keys contains key if {
	not has_project
	some key, _ in data.grant_index.lookup[agent_id][workspace]
}

indexed_grant_ids contains id if {
	some project_key in project_keys
	some tool_key in tool_keys
	some id in data.grant_index.lookup[agent_id][workspace][project_key][tool_key]
}

# Candidates are keyed by where they came from and their id rather than collected in a set: a set
# of grant objects compares whole objects on every insert, which made each extra grant cost
# microseconds. The key keeps an input grant and an index entry with the same id apart.
candidate_grants[concat(":", ["input", grant.id])] := grant if {
	some grant in input.grants
}

# Index entries are checked to belong to the calling agent, so a misfiled entry cannot lend one
# agent's grant to another.
candidate_grants[concat(":", ["index", id])] := grant if {
	some id in indexed_grant_ids
	grant := data.grant_index.by_id[id]
	grant.agent_id == agent_id
}

covers_project(_) if not has_project

covers_project(grant) if grant.projects == "*"

covers_project(grant) if {
	is_array(grant.projects)
	input.resource.project in grant.projects
}

covers_tool(grant) if {
	some key in grant.tools
	key in tool_keys
}

# A grant covers the request when workspace, project and tool all match, live or not.
grant_covers(grant) if {
	grant.workspace == workspace
	covers_project(grant)
	covers_tool(grant)
}

# Times are RFC 3339 UTC strings of one fixed shape (YYYY-MM-DDTHH:MM:SS.sssZ, as JavaScript's
# toISOString writes them; the input schema enforces it), so string order is time order.
has_expiry(grant) if is_string(grant.expires_at)

is_live(grant) if not has_expiry(grant)

is_live(grant) if grant.expires_at > input.request.time

matching_grants[key] := grant if {
	some key, grant in candidate_grants
	grant_covers(grant)
	is_live(grant)
}

expired_matching_grants[key] := grant if {
	some key, grant in candidate_grants
	grant_covers(grant)
	not is_live(grant)
}

matched_grant_ids contains grant.id if some grant in matching_grants

# The agent's live grants in every workspace (for the tool list, which has no resource).
agent_grants[concat(":", ["input", grant.id])] := grant if some grant in input.grants

agent_grants[concat(":", ["index", id])] := grant if {
	some id in data.grant_index.by_agent[agent_id]
	grant := data.grant_index.by_id[id]
	grant.agent_id == agent_id
}

live_agent_grant_tool_keys contains key if {
	some grant in agent_grants
	is_live(grant)
	some key in grant.tools
}
