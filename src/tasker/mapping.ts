import { GatewayError } from '../errors/index.js';
import { formatHumanId } from './ids.js';
import type { Activity, Comment, Cycle, Label, LabelRef, Member, Module, Priority, Project, SearchHit, State, StateGroup, StateRef, WorkItem, WorkItemLink } from './types.js';

/**
 * Plane objects -> the tool output shapes. Plane objects are read loosely (`PlaneObject`) and
 * every field the tools promise is checked here, so a surprising upstream answer becomes a
 * `tasker_unavailable` error naming the field, not a malformed tool result.
 */
export type PlaneObject = Record<string, unknown>;

function shapeError(what: string, field: string): GatewayError {
  return new GatewayError('tasker_unavailable', `Tasker returned a ${what} without a valid ${field}.`, { context: { reason: 'shape', field } });
}

function str(o: PlaneObject, field: string, what: string): string {
  const value = o[field];
  if (typeof value !== 'string') throw shapeError(what, field);
  return value;
}

function optStr(o: PlaneObject, field: string): string | null {
  const value = o[field];
  return typeof value === 'string' ? value : null;
}

function num(o: PlaneObject, field: string): number {
  const value = o[field];
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function asObject(value: unknown): PlaneObject | null {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as PlaneObject) : null;
}

/** Plane dates may arrive as datetimes in places the tools promise a date; keep the day. */
function dateOnly(value: unknown): string | null {
  return typeof value === 'string' && value.length >= 10 ? value.slice(0, 10) : null;
}

const ROLES: Record<number, Project['member_role']> = { 20: 'admin', 15: 'member', 5: 'guest' };

export function mapProject(p: PlaneObject): Project {
  return {
    id: str(p, 'id', 'project'),
    identifier: str(p, 'identifier', 'project'),
    name: str(p, 'name', 'project'),
    description: optStr(p, 'description_text') ?? optStr(p, 'description') ?? '',
    visibility: p.network === 2 ? 'public' : 'secret',
    is_member: p.is_member === true,
    member_role: typeof p.member_role === 'number' ? (ROLES[p.member_role] ?? null) : null,
    archived: p.archived_at !== null && p.archived_at !== undefined,
    cycles_enabled: p.cycle_view !== false,
    modules_enabled: p.module_view !== false,
    created_at: str(p, 'created_at', 'project'),
    updated_at: str(p, 'updated_at', 'project'),
  };
}

export function mapMember(u: PlaneObject): Member {
  return {
    id: str(u, 'id', 'member'),
    display_name: optStr(u, 'display_name') ?? '',
    first_name: optStr(u, 'first_name') ?? '',
    last_name: optStr(u, 'last_name') ?? '',
    email: optStr(u, 'email'),
  };
}

export function mapState(s: PlaneObject): State {
  return {
    id: str(s, 'id', 'state'),
    name: str(s, 'name', 'state'),
    group: str(s, 'group', 'state') as StateGroup,
    color: optStr(s, 'color') ?? '',
    is_default: s.default === true,
    sequence: num(s, 'sequence'),
  };
}

export function mapLabel(l: PlaneObject): Label {
  return {
    id: str(l, 'id', 'label'),
    name: str(l, 'name', 'label'),
    color: optStr(l, 'color'),
    description: optStr(l, 'description'),
    parent_id: optStr(l, 'parent'),
  };
}

function mapStateRef(value: unknown): StateRef | null {
  const s = asObject(value);
  if (value === null || value === undefined) return null;
  if (!s) throw shapeError('work item', 'state (expanded)');
  return { id: str(s, 'id', 'state'), name: str(s, 'name', 'state'), group: str(s, 'group', 'state') as StateRef['group'] };
}

function mapExpandedList<T>(value: unknown, field: string, map: (o: PlaneObject) => T): T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw shapeError('work item', field);
  return value.map((entry) => {
    const o = asObject(entry);
    if (!o) throw shapeError('work item', `${field} (expanded)`);
    return map(o);
  });
}

/** `expand=parent` gives `{id, sequence_id, project_id}`; Plane keeps a parent in its child's project. */
function parentHumanId(value: unknown, projectIdentifier: string): string | null {
  const parent = asObject(value);
  if (!parent) return null;
  const sequence = num(parent, 'sequence_id');
  return Number.isInteger(sequence) && sequence >= 1 ? formatHumanId(projectIdentifier, sequence) : null;
}

/** Maps a work item fetched with `expand=state,labels,assignees`; the identifier comes from the project cache. */
export function mapWorkItem(w: PlaneObject, projectIdentifier: string, withDescription: boolean): WorkItem {
  const sequence = num(w, 'sequence_id');
  if (!Number.isInteger(sequence) || sequence < 1) throw shapeError('work item', 'sequence_id');
  const item: WorkItem = {
    id: str(w, 'id', 'work item'),
    human_id: formatHumanId(projectIdentifier, sequence),
    sequence_id: sequence,
    project_id: str(w, 'project', 'work item'),
    project_identifier: projectIdentifier,
    name: str(w, 'name', 'work item'),
    priority: (optStr(w, 'priority') ?? 'none') as Priority,
    state: mapStateRef(w.state),
    assignees: mapExpandedList(w.assignees, 'assignees', mapMember),
    labels: mapExpandedList<LabelRef>(w.labels, 'labels', (l) => ({ id: str(l, 'id', 'label'), name: str(l, 'name', 'label') })),
    parent_id: optStr(w, 'parent') ?? optStr(asObject(w.parent) ?? {}, 'id'),
    parent_human_id: parentHumanId(w.parent, projectIdentifier),
    start_date: dateOnly(w.start_date),
    target_date: dateOnly(w.target_date),
    completed_at: optStr(w, 'completed_at'),
    created_at: str(w, 'created_at', 'work item'),
    updated_at: str(w, 'updated_at', 'work item'),
    created_by: optStr(w, 'created_by'),
    external_source: optStr(w, 'external_source'),
    external_id: optStr(w, 'external_id'),
  };
  if (withDescription) item.description_html = optStr(w, 'description_html') ?? '';
  return item;
}

export function mapComment(c: PlaneObject): Comment {
  return {
    id: str(c, 'id', 'comment'),
    work_item_id: str(c, 'issue', 'comment'),
    comment_html: optStr(c, 'comment_html') ?? '',
    access: c.access === 'EXTERNAL' ? 'EXTERNAL' : 'INTERNAL',
    author_id: optStr(c, 'actor') ?? optStr(c, 'created_by'),
    created_at: str(c, 'created_at', 'comment'),
    updated_at: str(c, 'updated_at', 'comment'),
    external_source: optStr(c, 'external_source'),
  };
}

function cycleStatus(start: string | null, end: string | null, now: number): Cycle['status'] {
  if (!start || !end) return 'draft';
  if (Date.parse(start) > now) return 'upcoming';
  if (Date.parse(end) < now) return 'completed';
  return 'current';
}

export function mapCycle(c: PlaneObject, now: number = Date.now()): Cycle {
  const start = optStr(c, 'start_date');
  const end = optStr(c, 'end_date');
  return {
    id: str(c, 'id', 'cycle'),
    name: str(c, 'name', 'cycle'),
    description: optStr(c, 'description') ?? '',
    status: cycleStatus(start, end, now),
    start_date: start,
    end_date: end,
    total_work_items: num(c, 'total_issues'),
    completed_work_items: num(c, 'completed_issues'),
  };
}

const MODULE_STATUSES: readonly Module['status'][] = ['backlog', 'planned', 'in-progress', 'paused', 'completed', 'cancelled'];

export function mapModule(m: PlaneObject): Module {
  const status = optStr(m, 'status') as Module['status'] | null;
  return {
    id: str(m, 'id', 'module'),
    name: str(m, 'name', 'module'),
    description: optStr(m, 'description_text') ?? optStr(m, 'description') ?? '',
    status: status && MODULE_STATUSES.includes(status) ? status : 'planned',
    start_date: dateOnly(m.start_date),
    target_date: dateOnly(m.target_date),
    total_work_items: num(m, 'total_issues'),
    completed_work_items: num(m, 'completed_issues'),
  };
}

export function mapLink(l: PlaneObject): WorkItemLink {
  return {
    id: str(l, 'id', 'link'),
    work_item_id: optStr(l, 'issue') ?? optStr(l, 'issue_id') ?? '',
    url: str(l, 'url', 'link'),
    title: optStr(l, 'title') || null,
    created_at: str(l, 'created_at', 'link'),
    created_by: optStr(l, 'created_by'),
  };
}

export function mapActivity(a: PlaneObject): Activity {
  return {
    id: str(a, 'id', 'activity'),
    verb: optStr(a, 'verb') ?? 'updated',
    field: optStr(a, 'field'),
    old_value: optStr(a, 'old_value'),
    new_value: optStr(a, 'new_value'),
    comment: optStr(a, 'comment') ?? '',
    actor_id: optStr(a, 'actor'),
    created_at: str(a, 'created_at', 'activity'),
  };
}

/** Search hits carry Plane's literal double-underscore keys (TASKER_API.md section 7.13). */
export function mapSearchHit(h: PlaneObject): SearchHit {
  const identifier = str(h, 'project__identifier', 'search hit');
  return {
    id: str(h, 'id', 'search hit'),
    human_id: formatHumanId(identifier, num(h, 'sequence_id')),
    name: str(h, 'name', 'search hit'),
    project_id: str(h, 'project_id', 'search hit'),
    project_identifier: identifier,
  };
}
