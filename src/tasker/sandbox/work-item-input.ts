/**
 * Validation of work-item create and PATCH bodies (TASKER_API.md section 7.5): field maps for bad
 * values, `non_field_errors` for a state or parent of another project and for inverted dates,
 * assignees silently narrowed to active members with role 15 or more, labels to the project's own.
 */
import { PRIORITIES, type Priority, type Project, type WorkItem } from './model.js';
import type { SandboxStore } from './store.js';
import {
  FieldErrors, choiceField, dateField, dateTimeField, nonFieldError, pkField, pkListField, stringField,
} from './validate.js';

export interface WorkItemInput {
  name?: string;
  description_html?: string;
  priority?: Priority;
  state?: string | null;
  parent?: string | null;
  assignees?: string[];
  labels?: string[];
  start_date?: string | null;
  target_date?: string | null;
  estimate_point?: string | null;
  external_id?: string | null;
  external_source?: string | null;
  created_at?: string;
  created_by?: string;
}

function assign<K extends keyof WorkItemInput>(out: WorkItemInput, key: K, value: WorkItemInput[K] | null | undefined): void {
  if (value !== undefined) out[key] = value as WorkItemInput[K];
}

/** Checks a body; `current` is the item being patched (absent on create). */
export function validateWorkItemInput(store: SandboxStore, project: Project, body: Record<string, unknown>, current?: WorkItem): WorkItemInput {
  const errors = new FieldErrors();
  const out: WorkItemInput = {};
  assign(out, 'name', stringField(body, 'name', errors, { required: !current || 'name' in body, max: 255 }) ?? undefined);
  assign(out, 'description_html', stringField(body, 'description_html', errors, { nullable: true }) ?? undefined);
  assign(out, 'priority', choiceField(body, 'priority', PRIORITIES, errors));
  assign(out, 'state', pkField(body, 'state', (id) => store.data.states.some((s) => s.id === id && !s.deleted_at), errors));
  assign(out, 'parent', pkField(body, 'parent', (id) => store.data.workItems.some((w) => w.id === id && !w.deleted_at), errors));
  assign(out, 'assignees', pkListField(body, 'assignees', (id) => !!store.user(id), errors));
  assign(out, 'labels', pkListField(body, 'labels', (id) => store.data.labels.some((l) => l.id === id && !l.deleted_at), errors));
  assign(out, 'start_date', dateField(body, 'start_date', errors));
  assign(out, 'target_date', dateField(body, 'target_date', errors));
  assign(out, 'estimate_point', pkField(body, 'estimate_point', () => false, errors));
  assign(out, 'external_id', stringField(body, 'external_id', errors, { max: 255, nullable: true }));
  assign(out, 'external_source', stringField(body, 'external_source', errors, { max: 255, nullable: true }));
  assign(out, 'created_at', dateTimeField(body, 'created_at', errors) ?? undefined);
  assign(out, 'created_by', pkField(body, 'created_by', (id) => !!store.user(id), errors) ?? undefined);
  errors.throwIfAny();
  checkCrossFields(store, project, out, current);
  narrowMembers(store, project, out);
  return out;
}

function checkCrossFields(store: SandboxStore, project: Project, input: WorkItemInput, current?: WorkItem): void {
  if (input.state && !store.state(project.id, input.state)) nonFieldError('State is not valid please pass a valid state_id');
  if (input.parent && (!store.workItem(project.id, input.parent) || input.parent === current?.id)) {
    nonFieldError('Parent is not valid issue_id please pass a valid issue_id');
  }
  const start = input.start_date !== undefined ? input.start_date : current?.start_date ?? null;
  const target = input.target_date !== undefined ? input.target_date : current?.target_date ?? null;
  if (start && target && start > target) nonFieldError('Start date cannot exceed target date');
}

function narrowMembers(store: SandboxStore, project: Project, input: WorkItemInput): void {
  if (input.assignees) {
    input.assignees = input.assignees.filter((id) => (store.projectRole(project.id, id) ?? 0) >= 15);
  }
  if (input.labels) {
    input.labels = input.labels.filter((id) => store.data.labels.some((l) => l.id === id && l.project === project.id && !l.deleted_at));
  }
}
