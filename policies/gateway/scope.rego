# Project confinement (obligation project_scope): the projects an allowed call may touch. The
# mediator hands it to the Tasker adapter, which answers anything outside it exactly like
# something that does not exist, and confines searches and listings to it.
#   - a call that names a project may touch that project only;
#   - a call that names none (search, list_projects) may touch the projects named by the live
#     grants that cover it (same workspace and tool), or every project ("*") only when one of
#     them covers every project;
#   - a denied call may touch nothing.
# A grant's project keys are identifiers or UUIDs; the gateway hands them over in canonical case
# (identifiers upper, UUIDs lower), and projects that no longer exist simply match nothing.
package gateway

import rego.v1

default project_scope := []

project_scope := [input.resource.project] if {
	allow
	has_project
}

project_scope := "*" if {
	allow
	not has_project
	workspace_wide_grant
}

project_scope := sort([key | some key in granted_project_keys]) if {
	allow
	not has_project
	not workspace_wide_grant
}

# For a call without a project, matching_grants are the live grants of the workspace that name the tool.
workspace_wide_grant if {
	some grant in matching_grants
	grant.projects == "*"
}

granted_project_keys contains key if {
	some grant in matching_grants
	is_array(grant.projects)
	some key in grant.projects
}
