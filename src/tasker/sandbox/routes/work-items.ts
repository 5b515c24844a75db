/**
 * Work items (TASKER_API.md sections 7.3-7.5, 9): list, the external-id lookup form, create, get,
 * PATCH and soft delete, under both path families.
 */
import { recordChanges, recordCreated } from '../activity.js';
import { normaliseHtml } from '../html.js';
import { PlaneHttpError, conflict, notFound } from '../http-io.js';
import type { Project, WorkItem } from '../model.js';
import type { RouteContext, RouteDef } from '../router.js';
import { groupRank, orderRecords, priorityRank, type Json, type SortKey } from '../shape.js';
import type { SandboxStore } from '../store.js';
import { workItemView } from '../views.js';
import { validateWorkItemInput, type WorkItemInput } from '../work-item-input.js';
import { PROJECT, bodyOf, bothFamilies, envelope, projectOf } from './common.js';

const DUPLICATE = 'Work Item with the same external id and external source already exists';

function sortKeys(store: SandboxStore): Record<string, SortKey> {
  const stateOf = (r: Json) => store.data.states.find((s) => s.id === r.state);
  return {
    priority: (r) => priorityRank(r.priority),
    state__group: (r) => groupRank(stateOf(r)?.group),
    state__name: (r) => groupRank(stateOf(r)?.group),
    labels__name: (r) => (r.labels as string[]).map((id) => store.data.labels.find((l) => l.id === id)?.name ?? '').sort()[0] ?? null,
    assignees__first_name: (r) => (r.assignees as string[]).map((id) => store.user(id)?.first_name ?? '').sort()[0] ?? null,
  };
}

/** Items of a project in the order `order_by` asks for (default newest first). */
export function orderedWorkItems(ctx: RouteContext, items: WorkItem[], fallback = '-created_at'): WorkItem[] {
  return orderRecords(items as unknown as Json[], ctx.query, fallback, sortKeys(ctx.store)) as unknown as WorkItem[];
}

/** A live item of the project carrying the pair, whatever its visibility (section 9). */
function findByExternal(store: SandboxStore, projectId: string, source: string, id: string): WorkItem | undefined {
  return store.workItemPairs.find(projectId, source, id);
}

function list(ctx: RouteContext) {
  const project = projectOf(ctx);
  const externalId = ctx.query.get('external_id');
  const externalSource = ctx.query.get('external_source');
  if (externalId && externalSource) {
    const item = findByExternal(ctx.store, project.id, externalSource, externalId);
    if (!item) throw notFound();
    return { status: 200, body: workItemView(ctx.store, item, ctx.query) };
  }
  const items = orderedWorkItems(ctx, ctx.store.activeWorkItemsOf(project.id));
  return envelope(ctx, items, (item) => workItemView(ctx.store, item, ctx.query));
}

function defaultState(store: SandboxStore, project: Project): string | null {
  const states = store.statesOf(project.id).sort((a, b) => a.sequence - b.sequence);
  return (states.find((s) => s.default) ?? states.find((s) => s.group !== 'triage'))?.id ?? null;
}

function defaultAssignees(store: SandboxStore, project: Project): string[] {
  const id = project.default_assignee;
  return id && (store.projectRole(project.id, id) ?? 0) >= 15 ? [id] : [];
}

function completedAt(store: SandboxStore, projectId: string, stateId: string | null, previous: string | null): string | null {
  const group = stateId ? store.state(projectId, stateId)?.group : undefined;
  if (group !== 'completed') return null;
  return previous ?? store.nowIso();
}

function hasPair(input: WorkItemInput): input is WorkItemInput & { external_id: string; external_source: string } {
  return !!input.external_id && !!input.external_source;
}

function create(ctx: RouteContext) {
  const { store, user } = ctx;
  const project = projectOf(ctx);
  const input = validateWorkItemInput(store, project, bodyOf(ctx));
  if (hasPair(input)) {
    const existing = findByExternal(store, project.id, input.external_source, input.external_id);
    if (existing) throw conflict(DUPLICATE, existing.id);
  }
  const audit = store.audit(input.created_by ?? user.id);
  const state = input.state ?? defaultState(store, project);
  const siblings = store.data.workItems.filter((w) => w.project === project.id);
  const item: WorkItem = {
    id: store.newId(), sequence_id: store.nextSequenceId(project.id), name: input.name!,
    description_html: normaliseHtml(input.description_html ?? ''), description_binary: null, priority: input.priority ?? 'none',
    state, assignees: input.assignees?.length ? input.assignees : defaultAssignees(store, project), labels: input.labels ?? [],
    parent: input.parent ?? null, start_date: input.start_date ?? null, target_date: input.target_date ?? null,
    estimate_point: input.estimate_point ?? null, point: null,
    sort_order: Math.max(55535, ...siblings.map((w) => w.sort_order)) + 10000, completed_at: completedAt(store, project.id, state, null),
    archived_at: null, is_draft: false, type: null, type_id: null, project: project.id, workspace: project.workspace,
    external_id: input.external_id ?? null, external_source: input.external_source ?? null,
    ...audit, created_at: input.created_at ?? audit.created_at,
  };
  store.data.workItems.push(item);
  recordCreated(store, item, user.id);
  store.touch();
  return { status: 201, body: workItemView(store, item) };
}

function activeItem(ctx: RouteContext): WorkItem {
  const item = ctx.store.activeWorkItem(projectOf(ctx).id, ctx.params.workItemId!);
  if (!item) throw notFound();
  return item;
}

function get(ctx: RouteContext) {
  return { status: 200, body: workItemView(ctx.store, activeItem(ctx), ctx.query) };
}

function patch(ctx: RouteContext) {
  const { store, user } = ctx;
  const project = projectOf(ctx);
  const item = activeItem(ctx);
  const input = validateWorkItemInput(store, project, bodyOf(ctx), item);
  const pair = { external_id: input.external_id !== undefined ? input.external_id : item.external_id, external_source: input.external_source !== undefined ? input.external_source : item.external_source };
  if (pair.external_id && pair.external_source && (input.external_id !== undefined || input.external_source !== undefined)) {
    const other = findByExternal(store, project.id, pair.external_source, pair.external_id);
    if (other && other.id !== item.id) throw conflict(DUPLICATE, item.id);
  }
  const before: WorkItem = { ...item, assignees: [...item.assignees], labels: [...item.labels] };
  const { created_at: _createdAt, created_by: _createdBy, ...changes } = input;
  if (changes.description_html !== undefined) changes.description_html = normaliseHtml(changes.description_html);
  Object.assign(item, changes, { updated_at: store.nowIso(), updated_by: user.id });
  store.workItemPairs.refresh(item);
  if (input.state !== undefined) item.completed_at = completedAt(store, project.id, item.state, before.completed_at);
  recordChanges(store, before, item, user.id);
  store.touch();
  return { status: 200, body: workItemView(store, item) };
}

function remove(ctx: RouteContext) {
  const { store, user } = ctx;
  const project = projectOf(ctx);
  const item = activeItem(ctx);
  if (item.created_by !== user.id && store.projectRole(project.id, user.id) !== 20) {
    throw new PlaneHttpError(403, { error: 'Only admin or creator can delete the work item' });
  }
  item.deleted_at = store.nowIso();
  store.touch();
  return { status: 204 };
}

export function workItemRoutes(): RouteDef[] {
  return [
    ...bothFamilies((f) => ({ path: `${PROJECT}/${f}/`, access: 'project-entity', handlers: { GET: list, POST: create } })),
    ...bothFamilies((f) => ({ path: `${PROJECT}/${f}/{workItemId:uuid}/`, access: 'project-entity', handlers: { GET: get, PATCH: patch, DELETE: remove } })),
  ];
}
