/**
 * Work-item activity (TASKER_API.md section 7.9): a `created` entry, then one `updated` entry per
 * changed field with readable old and new values. Written synchronously (Plane's worker lags).
 */
import type { Activity, WorkItem } from './model.js';
import type { SandboxStore } from './store.js';

const TRACKED: { key: keyof WorkItem; field: string; relational?: boolean }[] = [
  { key: 'name', field: 'name' },
  { key: 'description_html', field: 'description' },
  { key: 'priority', field: 'priority' },
  { key: 'state', field: 'state', relational: true },
  { key: 'parent', field: 'parent', relational: true },
  { key: 'start_date', field: 'start_date' },
  { key: 'target_date', field: 'target_date' },
  { key: 'assignees', field: 'assignees' },
  { key: 'labels', field: 'labels' },
  { key: 'estimate_point', field: 'estimate_point', relational: true },
];

export function activityEntry(store: SandboxStore, item: WorkItem, actor: string, verb: string, fields: Partial<Activity>): Activity {
  const now = store.nowIso();
  return {
    id: store.newId(), verb, field: null, old_value: null, new_value: null, old_identifier: null, new_identifier: null,
    comment: '', attachments: [], epoch: Date.parse(now) / 1000, issue: item.id, issue_comment: null, actor,
    project: item.project, workspace: item.workspace, created_at: now, updated_at: now, deleted_at: null, ...fields,
  };
}

export function recordCreated(store: SandboxStore, item: WorkItem, actor: string): void {
  store.data.activities.push(activityEntry(store, item, actor, 'created', { comment: 'created the work item' }));
}

function readable(store: SandboxStore, item: WorkItem, key: keyof WorkItem, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (key === 'state') return store.state(item.project, value as string)?.name ?? String(value);
  if (key === 'parent') {
    const parent = store.workItem(item.project, value as string);
    return parent ? `${store.project(item.project)?.identifier}-${parent.sequence_id}` : String(value);
  }
  if (key === 'assignees') return (value as string[]).map((id) => store.user(id)?.display_name ?? id).join(', ');
  if (key === 'labels') return (value as string[]).map((id) => store.data.labels.find((l) => l.id === id)?.name ?? id).join(', ');
  return String(value);
}

/** Appends one entry per field whose value differs between `before` and `after`. */
export function recordChanges(store: SandboxStore, before: WorkItem, after: WorkItem, actor: string): void {
  for (const { key, field, relational } of TRACKED) {
    if (JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    const oldValue = readable(store, before, key, before[key]);
    const newValue = readable(store, after, key, after[key]);
    store.data.activities.push(activityEntry(store, after, actor, 'updated', {
      field, old_value: oldValue, new_value: newValue,
      old_identifier: relational ? (before[key] as string | null) : null,
      new_identifier: relational ? (after[key] as string | null) : null,
      comment: `updated the ${field.replace('_', ' ')} to ${newValue ?? 'None'}`,
    }));
  }
}
