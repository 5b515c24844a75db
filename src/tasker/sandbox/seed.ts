/**
 * Seed data (TASKER_API.md section 10.11): one workspace, a secret project both key holders belong
 * to and a public project only the admin belongs to, three users (admin 20 and member 15 with API
 * keys, a guest 5 without), the default states, labels, a cycle, a module, work items, comments.
 * Ids are derived from names, so they are the same on every start and tests can name them.
 */
import { createHash } from 'node:crypto';
import type { Activity, Comment, Project, SandboxData, State, StateGroup, User, WorkItem } from './model.js';

export function seedId(name: string): string {
  const h = createHash('sha256').update(`tasker-sandbox:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** What the seed contains, for tests and for the CLI banner. */
export const SANDBOX_SEED = {
  workspace: { id: seedId('workspace'), slug: 'nodedc', name: 'NODE.DC' },
  users: {
    admin: { id: seedId('user:admin'), email: 'alice@nodedc.example', display_name: 'alice', workspaceRole: 20 },
    member: { id: seedId('user:member'), email: 'bob@nodedc.example', display_name: 'bob', workspaceRole: 15 },
    guest: { id: seedId('user:guest'), email: 'gus@nodedc.example', display_name: 'gus', workspaceRole: 5 },
  },
  projects: {
    /** Secret (network 0); admin 20, member 15, guest 5. */
    ops: { id: seedId('project:OPS'), identifier: 'OPS', name: 'Operations', network: 0 },
    /** Public (network 2); only the admin is a member, so the member key sees it with is_member false. */
    pub: { id: seedId('project:PUB'), identifier: 'PUB', name: 'Public Roadmap', network: 2 },
  },
  stateNames: ['Backlog', 'Todo', 'In Progress', 'Done', 'Cancelled'],
  labels: { ops: ['bug', 'feature', 'infra'], pub: ['roadmap'] },
  cycle: { id: seedId('cycle:OPS:Sprint 1'), name: 'Sprint 1', project: 'ops' },
  module: { id: seedId('module:OPS:Gateway'), name: 'Gateway', project: 'ops' },
  workItems: {
    'OPS-1': { id: seedId('item:OPS-1'), name: 'Set up the agent gateway' },
    'OPS-2': { id: seedId('item:OPS-2'), name: 'Write the Rego policies' },
    'OPS-3': { id: seedId('item:OPS-3'), name: 'Fix the login redirect bug' },
    'PUB-1': { id: seedId('item:PUB-1'), name: 'Publish the public roadmap' },
  },
} as const;

const DEFAULT_STATES: { name: string; group: StateGroup; sequence: number; color: string; isDefault: boolean }[] = [
  { name: 'Backlog', group: 'backlog', sequence: 15000, color: '#60646C', isDefault: true },
  { name: 'Todo', group: 'unstarted', sequence: 25000, color: '#60646C', isDefault: false },
  { name: 'In Progress', group: 'started', sequence: 35000, color: '#F59E0B', isDefault: false },
  { name: 'Done', group: 'completed', sequence: 45000, color: '#46A758', isDefault: false },
  { name: 'Cancelled', group: 'cancelled', sequence: 55000, color: '#9AA4BC', isDefault: false },
  { name: 'Triage', group: 'triage', sequence: 65000, color: '#4E5355', isDefault: false },
];

export function stateId(projectKey: string, name: string): string {
  return seedId(`state:${projectKey}:${name}`);
}

export function labelId(projectKey: string, name: string): string {
  return seedId(`label:${projectKey}:${name}`);
}

function audit(at: string, by: string | null) {
  return { created_at: at, updated_at: at, deleted_at: null, created_by: by, updated_by: by };
}

const NO_EXTERNAL = { external_source: null, external_id: null };

function user(id: string, first: string, last: string, email: string, display: string): User {
  return { id, first_name: first, last_name: last, email, avatar: '', avatar_url: null, display_name: display };
}

function project(key: 'OPS' | 'PUB', name: string, network: 0 | 2, at: string, by: string): Project {
  const ws = SANDBOX_SEED.workspace.id;
  return {
    id: seedId(`project:${key}`), name, description: `${name} (sandbox seed)`, description_text: null,
    description_html: null, network, workspace: ws, identifier: key, default_assignee: null, project_lead: by,
    emoji: null, icon_prop: null, logo_props: {}, cover_image: null, cover_image_asset: null, cover_image_url: null,
    estimate: null, archive_in: 0, close_in: 0, default_state: stateId(key, 'Backlog'), archived_at: null,
    timezone: 'UTC', module_view: true, cycle_view: true, issue_views_view: true, page_view: true, intake_view: false,
    is_time_tracking_enabled: false, is_issue_type_enabled: false, guest_view_all_features: false,
    ...NO_EXTERNAL, ...audit(at, by),
  };
}

export function defaultStates(projectId: string, projectKey: string, workspaceId: string, at: string, by: string | null): State[] {
  return DEFAULT_STATES.map((s) => ({
    id: stateId(projectKey, s.name), name: s.name, description: '', color: s.color,
    slug: s.name.toLowerCase().replace(/\s+/g, '-'), sequence: s.sequence, group: s.group,
    is_triage: s.group === 'triage', default: s.isDefault, project: projectId, workspace: workspaceId,
    ...NO_EXTERNAL, ...audit(at, by),
  }));
}

interface ItemSeed {
  key: keyof typeof SANDBOX_SEED.workItems;
  projectKey: 'OPS' | 'PUB';
  state: string;
  priority: WorkItem['priority'];
  assignees: string[];
  labels: string[];
  by: string;
}

function workItem(seed: ItemSeed, at: string): WorkItem {
  const { id, name } = SANDBOX_SEED.workItems[seed.key];
  return {
    id, sequence_id: Number(seed.key.split('-')[1]), name, description_html: `<p>${name}.</p>`,
    description_binary: null, priority: seed.priority, state: stateId(seed.projectKey, seed.state),
    assignees: seed.assignees, labels: seed.labels.map((l) => labelId(seed.projectKey, l)), parent: null,
    start_date: null, target_date: null, estimate_point: null, point: null, sort_order: 65535, completed_at: null,
    archived_at: null, is_draft: false, type: null, type_id: null, project: seedId(`project:${seed.projectKey}`),
    workspace: SANDBOX_SEED.workspace.id, ...NO_EXTERNAL, ...audit(at, seed.by),
  };
}

function createdActivity(item: WorkItem): Activity {
  return {
    id: seedId(`activity:${item.id}:created`), verb: 'created', field: null, old_value: null, new_value: null,
    old_identifier: null, new_identifier: null, comment: 'created the work item', attachments: [],
    epoch: Date.parse(item.created_at) / 1000, issue: item.id, issue_comment: null, actor: item.created_by ?? '',
    project: item.project, workspace: item.workspace, created_at: item.created_at, updated_at: item.created_at,
    deleted_at: null,
  };
}

function comment(key: string, item: WorkItem, actor: string, html: string, at: string): Comment {
  return {
    id: seedId(`comment:${key}`), comment_html: html, attachments: [], access: 'INTERNAL', edited_at: null, actor,
    issue: item.id, parent: null, description: seedId(`comment-description:${key}`), is_member: true,
    project: item.project, workspace: item.workspace, ...NO_EXTERNAL, ...audit(at, actor),
  };
}

function isoDaysFrom(base: number, days: number): string {
  return new Date(base + days * 86_400_000).toISOString();
}

/** Builds a fresh seeded data set; API keys are attached separately (only their hashes are stored). */
export function buildSeedData(now = Date.now()): SandboxData {
  const ws = SANDBOX_SEED.workspace;
  const admin = SANDBOX_SEED.users.admin.id;
  const member = SANDBOX_SEED.users.member.id;
  const guest = SANDBOX_SEED.users.guest.id;
  const at = (minutes: number) => new Date(now - (60 - minutes) * 60_000).toISOString();
  const ops = project('OPS', 'Operations', 0, at(0), admin);
  const pub = project('PUB', 'Public Roadmap', 2, at(1), admin);
  const items = [
    workItem({ key: 'OPS-1', projectKey: 'OPS', state: 'In Progress', priority: 'high', assignees: [admin], labels: ['infra'], by: admin }, at(10)),
    workItem({ key: 'OPS-2', projectKey: 'OPS', state: 'Todo', priority: 'medium', assignees: [member], labels: ['feature'], by: member }, at(11)),
    workItem({ key: 'OPS-3', projectKey: 'OPS', state: 'Backlog', priority: 'urgent', assignees: [], labels: ['bug'], by: admin }, at(12)),
    workItem({ key: 'PUB-1', projectKey: 'PUB', state: 'Todo', priority: 'low', assignees: [admin], labels: ['roadmap'], by: admin }, at(13)),
  ];
  const labels = (['ops', 'pub'] as const).flatMap((p) =>
    SANDBOX_SEED.labels[p].map((name, i) => ({
      id: labelId(p.toUpperCase(), name), name, description: '', color: ['#e5484d', '#3e63dd', '#30a46c'][i] ?? '#888888',
      sort_order: 10000 * (i + 1), parent: null, project: p === 'ops' ? ops.id : pub.id, workspace: ws.id,
      ...NO_EXTERNAL, ...audit(at(2 + i), admin),
    })));
  const cycleLink = { id: seedId('cycle-issue:OPS-1'), issue: items[0]!.id, cycle: SANDBOX_SEED.cycle.id, project: ops.id, workspace: ws.id, ...audit(at(20), admin) };
  const moduleLink = { id: seedId('module-issue:OPS-1'), issue: items[0]!.id, module: SANDBOX_SEED.module.id, project: ops.id, workspace: ws.id, ...audit(at(20), admin) };
  return {
    version: 1,
    workspace: { ...ws },
    users: [
      user(admin, 'Alice', 'Admin', SANDBOX_SEED.users.admin.email, 'alice'),
      user(member, 'Bob', 'Member', SANDBOX_SEED.users.member.email, 'bob'),
      user(guest, 'Gus', 'Guest', SANDBOX_SEED.users.guest.email, 'gus'),
    ],
    apiKeys: [],
    workspaceMembers: [
      { member: admin, role: 20, is_active: true },
      { member: member, role: 15, is_active: true },
      { member: guest, role: 5, is_active: true },
    ],
    projects: [ops, pub],
    projectMembers: [
      { project: ops.id, member: admin, role: 20, is_active: true, sort_order: 1000 },
      { project: ops.id, member: member, role: 15, is_active: true, sort_order: 1000 },
      { project: ops.id, member: guest, role: 5, is_active: true, sort_order: 1000 },
      { project: pub.id, member: admin, role: 20, is_active: true, sort_order: 2000 },
    ],
    states: [...defaultStates(ops.id, 'OPS', ws.id, at(0), admin), ...defaultStates(pub.id, 'PUB', ws.id, at(1), admin)],
    labels,
    workItems: items,
    comments: [
      comment('OPS-1:1', items[0]!, admin, '<p>Gateway skeleton is up.</p>', at(30)),
      comment('OPS-1:2', items[0]!, member, '<p>Reviewed, looks good.</p>', at(31)),
    ],
    activities: items.map(createdActivity),
    cycles: [{
      id: SANDBOX_SEED.cycle.id, name: 'Sprint 1', description: 'The first sandbox sprint', start_date: isoDaysFrom(now, -7),
      end_date: isoDaysFrom(now, 7), owned_by: admin, view_props: {}, sort_order: 65535, progress_snapshot: {},
      logo_props: {}, timezone: 'UTC', version: 1, archived_at: null, project: ops.id, workspace: ws.id,
      ...NO_EXTERNAL, ...audit(at(5), admin),
    }],
    cycleIssues: [cycleLink],
    modules: [{
      id: SANDBOX_SEED.module.id, name: 'Gateway', description: 'Agent gateway work', description_text: null,
      description_html: null, start_date: null, target_date: null, status: 'in-progress', lead: admin, members: [admin, member],
      view_props: {}, sort_order: 65535, archived_at: null, logo_props: {}, project: ops.id, workspace: ws.id,
      ...NO_EXTERNAL, ...audit(at(6), admin),
    }],
    moduleIssues: [moduleLink],
    sequences: { [ops.id]: 3, [pub.id]: 1 },
  };
}
