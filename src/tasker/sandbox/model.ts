/**
 * Record shapes of the sandbox. Each stored record already has the field set Plane's v1 serializers
 * return (TASKER_API.md section 7), so answering a request is a copy plus `fields`/`expand`, and the
 * JSON snapshot on disk is these records as they are.
 */

export type Role = 20 | 15 | 5;
export type Priority = 'urgent' | 'high' | 'medium' | 'low' | 'none';
export type StateGroup = 'backlog' | 'unstarted' | 'started' | 'completed' | 'cancelled' | 'triage';
export type ModuleStatus = 'backlog' | 'planned' | 'in-progress' | 'paused' | 'completed' | 'cancelled';

export const PRIORITIES: readonly Priority[] = ['urgent', 'high', 'medium', 'low', 'none'];
export const STATE_GROUPS: readonly StateGroup[] = ['backlog', 'unstarted', 'started', 'completed', 'cancelled', 'triage'];
export const MODULE_STATUSES: readonly ModuleStatus[] = ['backlog', 'planned', 'in-progress', 'paused', 'completed', 'cancelled'];

export interface Audit {
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  created_by: string | null;
  updated_by: string | null;
}

export interface External {
  external_source: string | null;
  external_id: string | null;
}

export interface User {
  id: string;
  first_name: string;
  last_name: string;
  email: string;
  avatar: string;
  avatar_url: string | null;
  display_name: string;
}

/** One API key: only its SHA-256 hash is kept, in memory and in the snapshot. */
export interface ApiKeyRecord {
  key_hash: string;
  user: string;
  label: string;
  is_active: boolean;
  expired_at: string | null;
  last_used: string | null;
}

export interface Workspace {
  id: string;
  slug: string;
  name: string;
}

export interface Membership {
  member: string;
  role: Role;
  is_active: boolean;
}

export interface ProjectMembership extends Membership {
  project: string;
  sort_order: number;
}

export interface Project extends Audit, External {
  id: string;
  name: string;
  description: string;
  description_text: unknown;
  description_html: unknown;
  network: 0 | 2;
  workspace: string;
  identifier: string;
  default_assignee: string | null;
  project_lead: string | null;
  emoji: string | null;
  icon_prop: unknown;
  logo_props: Record<string, unknown>;
  cover_image: string | null;
  cover_image_asset: string | null;
  cover_image_url: string | null;
  estimate: string | null;
  archive_in: number;
  close_in: number;
  default_state: string | null;
  archived_at: string | null;
  timezone: string;
  module_view: boolean;
  cycle_view: boolean;
  issue_views_view: boolean;
  page_view: boolean;
  intake_view: boolean;
  is_time_tracking_enabled: boolean;
  is_issue_type_enabled: boolean;
  guest_view_all_features: boolean;
}

export interface State extends Audit, External {
  id: string;
  name: string;
  description: string;
  color: string;
  slug: string;
  sequence: number;
  group: StateGroup;
  is_triage: boolean;
  default: boolean;
  project: string;
  workspace: string;
}

export interface Label extends Audit, External {
  id: string;
  name: string;
  description: string;
  color: string;
  sort_order: number;
  parent: string | null;
  project: string;
  workspace: string;
}

export interface WorkItem extends Audit, External {
  id: string;
  sequence_id: number;
  name: string;
  description_html: string;
  description_binary: string | null;
  priority: Priority;
  state: string | null;
  assignees: string[];
  labels: string[];
  parent: string | null;
  start_date: string | null;
  target_date: string | null;
  estimate_point: string | null;
  point: number | null;
  sort_order: number;
  completed_at: string | null;
  archived_at: string | null;
  is_draft: boolean;
  type: string | null;
  type_id: string | null;
  project: string;
  workspace: string;
}

export interface Comment extends Audit, External {
  id: string;
  comment_html: string;
  attachments: string[];
  access: 'INTERNAL' | 'EXTERNAL';
  edited_at: string | null;
  actor: string;
  issue: string;
  parent: string | null;
  description: string;
  is_member: boolean;
  project: string;
  workspace: string;
}

export interface Activity {
  id: string;
  verb: string;
  field: string | null;
  old_value: string | null;
  new_value: string | null;
  old_identifier: string | null;
  new_identifier: string | null;
  comment: string;
  attachments: string[];
  epoch: number;
  issue: string;
  issue_comment: string | null;
  actor: string;
  project: string;
  workspace: string;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export interface Cycle extends Audit, External {
  id: string;
  name: string;
  description: string;
  start_date: string | null;
  end_date: string | null;
  owned_by: string;
  view_props: Record<string, unknown>;
  sort_order: number;
  progress_snapshot: Record<string, unknown>;
  logo_props: Record<string, unknown>;
  timezone: string;
  version: number;
  archived_at: string | null;
  project: string;
  workspace: string;
}

export interface Module extends Audit, External {
  id: string;
  name: string;
  description: string;
  description_text: unknown;
  description_html: unknown;
  start_date: string | null;
  target_date: string | null;
  status: ModuleStatus;
  lead: string | null;
  members: string[];
  view_props: Record<string, unknown>;
  sort_order: number;
  archived_at: string | null;
  logo_props: Record<string, unknown>;
  project: string;
  workspace: string;
}

export interface CycleIssue extends Audit {
  id: string;
  issue: string;
  cycle: string;
  project: string;
  workspace: string;
}

export interface ModuleIssue extends Audit {
  id: string;
  issue: string;
  module: string;
  project: string;
  workspace: string;
}

/** A URL attached to a work item (`IssueLinkSerializer`: every model field). */
export interface IssueLink extends Audit {
  id: string;
  title: string | null;
  url: string;
  metadata: Record<string, unknown>;
  issue: string;
  project: string;
  workspace: string;
}

/** Everything the sandbox holds; also the snapshot file's format. */
export interface SandboxData {
  version: 1;
  workspace: Workspace;
  users: User[];
  apiKeys: ApiKeyRecord[];
  workspaceMembers: Membership[];
  projects: Project[];
  projectMembers: ProjectMembership[];
  states: State[];
  labels: Label[];
  workItems: WorkItem[];
  comments: Comment[];
  activities: Activity[];
  cycles: Cycle[];
  cycleIssues: CycleIssue[];
  modules: Module[];
  moduleIssues: ModuleIssue[];
  /** Absent in snapshots written before links were served; the link routes create it. */
  links?: IssueLink[];
  /** Last sequence_id handed out per project: never lowered, so numbers are never reused. */
  sequences: Record<string, number>;
}
