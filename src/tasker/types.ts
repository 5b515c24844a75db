/**
 * The adapter's side of the tool contracts: argument and result types of each operation, matching
 * `schemas/tools/*.json` (snake_case, as the tools speak), plus the acting agent.
 */
export type Priority = 'urgent' | 'high' | 'medium' | 'low' | 'none';
export type StateGroup = 'backlog' | 'unstarted' | 'started' | 'completed' | 'cancelled';

/** Who a write is for: recorded in Tasker as attribution, and used to resolve "me". */
export interface Actor {
  agentId: string;
  agentName: string;
  ownerEmail: string;
  /**
   * The recorded decision the write rests on. An unkeyed create's external id derives from it, so
   * its answer can be looked up after it was lost (see externalIdFor).
   */
  decisionId?: string;
}

export interface StateRef {
  id: string;
  name: string;
  group: StateGroup | 'triage';
}
export interface Member {
  id: string;
  display_name: string;
  first_name: string;
  last_name: string;
  email: string | null;
}
export interface LabelRef {
  id: string;
  name: string;
}
export interface WorkItem {
  id: string;
  human_id: string;
  sequence_id: number;
  project_id: string;
  project_identifier: string;
  name: string;
  description_html?: string;
  priority: Priority;
  state: StateRef | null;
  assignees: Member[];
  labels: LabelRef[];
  parent_id: string | null;
  /** The parent's human id (a parent is always in the item's project). */
  parent_human_id: string | null;
  start_date: string | null;
  target_date: string | null;
  completed_at: string | null;
  created_at: string;
  updated_at: string;
  created_by: string | null;
  external_source: string | null;
  external_id: string | null;
  /** Set on items listed by cycle (list_cycle_work_items, list_work_items with `cycle`): Plane's items do not carry it. */
  cycle_id?: string;
  /** Set on items listed by module, likewise. */
  module_id?: string;
}
export interface Project {
  id: string;
  identifier: string;
  name: string;
  description: string;
  visibility: 'public' | 'secret';
  is_member: boolean;
  member_role: 'admin' | 'member' | 'guest' | null;
  archived: boolean;
  cycles_enabled: boolean;
  modules_enabled: boolean;
  created_at: string;
  updated_at: string;
}
export interface State {
  id: string;
  name: string;
  group: StateGroup;
  color: string;
  is_default: boolean;
  sequence: number;
}
export interface Label {
  id: string;
  name: string;
  color: string | null;
  description: string | null;
  parent_id: string | null;
}
export interface Comment {
  id: string;
  work_item_id: string;
  comment_html: string;
  access: 'INTERNAL' | 'EXTERNAL';
  author_id: string | null;
  created_at: string;
  updated_at: string;
  external_source: string | null;
}
export interface Cycle {
  id: string;
  name: string;
  description: string;
  status: 'draft' | 'upcoming' | 'current' | 'completed';
  start_date: string | null;
  end_date: string | null;
  total_work_items: number;
  completed_work_items: number;
}
export interface Module {
  id: string;
  name: string;
  description: string;
  status: 'backlog' | 'planned' | 'in-progress' | 'paused' | 'completed' | 'cancelled';
  start_date: string | null;
  target_date: string | null;
  total_work_items: number;
  completed_work_items: number;
}
export interface WorkItemLink {
  id: string;
  work_item_id: string;
  url: string;
  title: string | null;
  created_at: string;
  created_by: string | null;
}
export interface Activity {
  id: string;
  verb: string;
  field: string | null;
  old_value: string | null;
  new_value: string | null;
  comment: string;
  actor_id: string | null;
  created_at: string;
}
export interface SearchHit {
  id: string;
  human_id: string;
  name: string;
  project_id: string;
  project_identifier: string;
}
export interface CurrentUser {
  id: string;
  display_name: string;
  email: string | null;
}

// Tool arguments (what the contracts accept).
export interface ProjectArgs {
  project: string;
}
export interface WorkItemArgs {
  work_item: string;
  project?: string;
}
export interface ListProjectsArgs {
  include_archived?: boolean;
  member_only?: boolean;
}
export interface ListWorkItemsArgs extends ProjectArgs {
  state_group?: StateGroup[];
  state?: string;
  priority?: Priority[];
  assignee?: string;
  label?: string;
  text?: string;
  updated_since?: string;
  cycle?: string;
  module?: string;
  cursor?: string;
  limit?: number;
}
export interface ListCycleWorkItemsArgs extends ProjectArgs {
  cycle: string;
  cursor?: string;
  limit?: number;
}
export interface ListModuleWorkItemsArgs extends ProjectArgs {
  module: string;
  cursor?: string;
  limit?: number;
}
export interface PagedWorkItemArgs extends WorkItemArgs {
  cursor?: string;
  limit?: number;
}
export interface AddLinkArgs extends WorkItemArgs {
  url: string;
  title?: string;
  idempotency_key?: string;
}
export interface SearchWorkItemsArgs {
  query: string;
  project?: string;
  limit?: number;
}
export interface ListCommentsArgs extends WorkItemArgs {
  cursor?: string;
  limit?: number;
}
export interface WorkItemFields {
  name?: string;
  description?: string;
  priority?: Priority;
  state?: string;
  assignees?: string[];
  labels?: string[];
  parent?: string | null;
  start_date?: string | null;
  target_date?: string | null;
}
export interface CreateWorkItemArgs extends ProjectArgs, WorkItemFields {
  name: string;
  idempotency_key?: string;
}
export interface UpdateWorkItemArgs extends WorkItemArgs, WorkItemFields {
  idempotency_key?: string;
}
export interface TransitionWorkItemArgs extends WorkItemArgs {
  state?: string;
  state_group?: StateGroup;
  idempotency_key?: string;
}
export interface AddCommentArgs extends WorkItemArgs {
  body: string;
  html?: boolean;
  idempotency_key?: string;
}
export interface AddToCycleArgs extends WorkItemArgs {
  cycle: string;
  idempotency_key?: string;
}
export interface AddToModuleArgs extends WorkItemArgs {
  module: string;
  idempotency_key?: string;
}
export interface DeleteWorkItemArgs extends WorkItemArgs {
  reason?: string;
  idempotency_key?: string;
}
