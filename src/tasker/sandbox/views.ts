/**
 * Serializers: stored records to Plane's response shapes, with `expand` (section 6) and the
 * computed fields of projects, cycles and modules.
 */
import type { Cycle, Label, Module, Project, WorkItem } from './model.js';
import { expandRecord, pickFields, userExpander, userLite, type Expander, type Json } from './shape.js';
import type { SandboxStore } from './store.js';

export function labelView(label: Label): Json {
  return { ...label };
}

const workItemExpanders: Record<string, Expander> = {
  assignees: (ids, store) => (ids as string[]).map((id) => userLite(store.user(id))).filter(Boolean),
  labels: (ids, store) => (ids as string[]).map((id) => store.data.labels.find((l) => l.id === id)).filter((l): l is Label => !!l).map(labelView),
  state: (id, store) => {
    const state = store.data.states.find((s) => s.id === id);
    return state ? { id: state.id, name: state.name, color: state.color, group: state.group } : null;
  },
  project: (id, store) => {
    const p = store.project(id as string);
    return p ? { id: p.id, identifier: p.identifier, name: p.name, cover_image: p.cover_image, icon_prop: p.icon_prop, emoji: p.emoji, description: p.description, cover_image_url: p.cover_image_url } : null;
  },
  parent: (id, store) => {
    const parent = store.data.workItems.find((w) => w.id === id);
    return parent ? { id: parent.id, sequence_id: parent.sequence_id, project_id: parent.project } : null;
  },
  created_by: userExpander,
  updated_by: userExpander,
};

/** A work item as `IssueSerializer` returns it; `query` carries `fields` and `expand`. */
export function workItemView(store: SandboxStore, item: WorkItem, query?: URLSearchParams): Json {
  const base: Json = { ...item, assignees: [...item.assignees], labels: [...item.labels], type_id: item.type };
  if (!query) return base;
  return pickFields(expandRecord(base, query, workItemExpanders, store), query);
}

export const commentExpanders: Record<string, Expander> = {
  actor: userExpander,
  created_by: userExpander,
  updated_by: userExpander,
};

export function projectView(store: SandboxStore, project: Project, userId: string, withSortOrder: boolean): Json {
  const members = store.data.projectMembers.filter((m) => m.project === project.id && m.is_active);
  const own = members.find((m) => m.member === userId);
  const view: Json = {
    ...project,
    total_members: members.length,
    total_cycles: store.data.cycles.filter((c) => c.project === project.id && !c.deleted_at).length,
    total_modules: store.data.modules.filter((m) => m.project === project.id && !m.deleted_at).length,
    is_member: !!own,
    member_role: own?.role ?? null,
    is_deployed: false,
  };
  if (withSortOrder) view.sort_order = own?.sort_order ?? null;
  return view;
}

/** Work-item counts by state group of the items linked to a cycle or module. */
function groupCounts(store: SandboxStore, projectId: string, itemIds: string[]): Json {
  const counts: Record<string, number> = { backlog: 0, unstarted: 0, started: 0, completed: 0, cancelled: 0 };
  let total = 0;
  for (const id of itemIds) {
    const item = store.activeWorkItem(projectId, id);
    if (!item) continue;
    total += 1;
    const group = item.state ? store.state(projectId, item.state)?.group : undefined;
    if (group && group in counts) counts[group]! += 1;
  }
  return {
    total_issues: total, cancelled_issues: counts.cancelled, completed_issues: counts.completed, started_issues: counts.started,
    unstarted_issues: counts.unstarted, backlog_issues: counts.backlog,
  };
}

export function cycleView(store: SandboxStore, cycle: Cycle): Json {
  const ids = store.data.cycleIssues.filter((l) => l.cycle === cycle.id && !l.deleted_at).map((l) => l.issue);
  return { ...cycle, ...groupCounts(store, cycle.project, ids), total_estimates: 0, completed_estimates: 0, started_estimates: 0 };
}

export function moduleView(store: SandboxStore, module: Module): Json {
  const ids = store.data.moduleIssues.filter((l) => l.module === module.id && !l.deleted_at).map((l) => l.issue);
  return { ...module, members: [...module.members], ...groupCounts(store, module.project, ids) };
}

export function linkView(link: object, store: SandboxStore): Json {
  const record = link as Json & { issue: string; project: string };
  const subIssues = store.data.workItems.filter((w) => w.parent === record.issue && store.isActiveWorkItem(w)).length;
  return { ...record, sub_issues_count: subIssues };
}
