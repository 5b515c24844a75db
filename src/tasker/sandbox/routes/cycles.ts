/**
 * Cycles (section 7.11): Envelope lists (`cycle_view=current` a bare array), work items of a cycle,
 * adding items with POST `{"issues": [...]}` (200, bare array; an item sits in one cycle, so adding
 * MOVES it), removing a link (204).
 */
import { PlaneHttpError, badRequest, conflict, notFound } from '../http-io.js';
import type { Cycle, CycleIssue } from '../model.js';
import type { RouteContext, RouteDef } from '../router.js';
import { orderRecords, pickFields, type Json } from '../shape.js';
import { FieldErrors, dateTimeField, stringField } from '../validate.js';
import { cycleView, linkView, workItemView } from '../views.js';
import { PROJECT, bodyOf, envelope, projectOf } from './common.js';
import { orderedWorkItems } from './work-items.js';

function liveCycles(ctx: RouteContext): Cycle[] {
  const project = projectOf(ctx);
  return ctx.store.data.cycles.filter((c) => c.project === project.id && !c.deleted_at);
}

function one(ctx: RouteContext): Cycle {
  const cycle = liveCycles(ctx).find((c) => c.id === ctx.params.cycleId);
  if (!cycle) throw notFound();
  return cycle;
}

const isCompleted = (c: Cycle, now: number) => c.end_date !== null && Date.parse(c.end_date) < now;

const VIEWS: Record<string, (c: Cycle, now: number) => boolean> = {
  all: () => true,
  current: (c, now) => c.start_date !== null && c.end_date !== null && Date.parse(c.start_date) <= now && now <= Date.parse(c.end_date),
  upcoming: (c, now) => c.start_date !== null && Date.parse(c.start_date) > now,
  completed: isCompleted,
  draft: (c) => c.start_date === null && c.end_date === null,
  incomplete: (c, now) => !isCompleted(c, now),
};

function list(ctx: RouteContext) {
  const now = Date.now();
  const viewName = ctx.query.get('cycle_view') ?? 'all';
  const keep = VIEWS[viewName] ?? VIEWS.all!;
  const cycles = liveCycles(ctx).filter((c) => c.archived_at === null && keep(c, now));
  const ordered = orderRecords(cycles as unknown as Json[], ctx.query, '-created_at') as unknown as Cycle[];
  const view = (c: Cycle) => pickFields(cycleView(ctx.store, c), ctx.query);
  if (viewName === 'current') return { status: 200, body: ordered.map(view) };
  return envelope(ctx, ordered, view);
}

function validate(body: Record<string, unknown>, creating: boolean) {
  const errors = new FieldErrors();
  const out = {
    name: stringField(body, 'name', errors, { required: creating || 'name' in body, max: 255 }),
    description: stringField(body, 'description', errors),
    start_date: dateTimeField(body, 'start_date', errors),
    end_date: dateTimeField(body, 'end_date', errors),
    external_id: stringField(body, 'external_id', errors, { max: 255, nullable: true }),
    external_source: stringField(body, 'external_source', errors, { max: 255, nullable: true }),
  };
  if (creating && !body.project_id) errors.add('project_id', 'This field is required.');
  errors.throwIfAny();
  return out;
}

function checkDates(start: string | null, end: string | null): void {
  if ((start === null) !== (end === null)) throw badRequest({ error: 'Both start date and end date are either required or are to be null' });
  if (start && end && start > end) throw badRequest({ error: 'Start date cannot exceed end date' });
}

function create(ctx: RouteContext) {
  const { store, user } = ctx;
  const project = projectOf(ctx);
  if (!project.cycle_view) throw badRequest({ error: 'Cycles are not enabled for this project' });
  const input = validate(bodyOf(ctx), true);
  checkDates(input.start_date ?? null, input.end_date ?? null);
  if (input.external_id && input.external_source) {
    const dup = liveCycles(ctx).find((c) => c.external_id === input.external_id && c.external_source === input.external_source);
    if (dup) throw conflict('Cycle with the same external id and external source already exists', dup.id);
  }
  const cycle: Cycle = {
    id: store.newId(), name: input.name!, description: input.description ?? '', start_date: input.start_date ?? null,
    end_date: input.end_date ?? null, owned_by: user.id, view_props: {}, sort_order: 65535, progress_snapshot: {}, logo_props: {},
    timezone: project.timezone, version: 1, archived_at: null, project: project.id, workspace: project.workspace,
    external_id: input.external_id ?? null, external_source: input.external_source ?? null, ...store.audit(user.id),
  };
  store.data.cycles.push(cycle);
  store.touch();
  return { status: 201, body: cycleView(store, cycle) };
}

function patch(ctx: RouteContext) {
  const cycle = one(ctx);
  const body = bodyOf(ctx);
  if (isCompleted(cycle, Date.now()) && Object.keys(body).some((k) => k !== 'sort_order')) {
    throw badRequest({ error: 'The Cycle has already been completed so it cannot be edited' });
  }
  const input = validate(body, false);
  checkDates(input.start_date !== undefined ? input.start_date : cycle.start_date, input.end_date !== undefined ? input.end_date : cycle.end_date);
  for (const key of ['name', 'description', 'start_date', 'end_date', 'external_id', 'external_source'] as const) {
    if (input[key] !== undefined) Object.assign(cycle, { [key]: input[key] });
  }
  Object.assign(cycle, { updated_at: ctx.store.nowIso(), updated_by: ctx.user.id });
  ctx.store.touch();
  return { status: 200, body: cycleView(ctx.store, cycle) };
}

function remove(ctx: RouteContext) {
  const cycle = one(ctx);
  if (cycle.owned_by !== ctx.user.id && ctx.store.projectRole(cycle.project, ctx.user.id) !== 20) {
    throw new PlaneHttpError(403, { error: 'Only admin or owner can delete the cycle' });
  }
  const now = ctx.store.nowIso();
  cycle.deleted_at = now;
  for (const link of ctx.store.data.cycleIssues) if (link.cycle === cycle.id) link.deleted_at = now;
  ctx.store.touch();
  return { status: 204 };
}

function links(ctx: RouteContext, cycleId: string): CycleIssue[] {
  return ctx.store.data.cycleIssues.filter((l) => l.cycle === cycleId && !l.deleted_at);
}

function listItems(ctx: RouteContext) {
  const project = projectOf(ctx);
  const ids = new Set(links(ctx, ctx.params.cycleId!).map((l) => l.issue));
  const items = orderedWorkItems(ctx, ctx.store.activeWorkItemsOf(project.id).filter((w) => ids.has(w.id)), 'created_at');
  return envelope(ctx, items, (w) => workItemView(ctx.store, w, ctx.query));
}

function addItems(ctx: RouteContext) {
  const { store, user } = ctx;
  const issues = bodyOf(ctx).issues;
  if (!Array.isArray(issues) || issues.length === 0) throw badRequest({ error: 'Work items are required', code: 'MISSING_WORK_ITEMS' });
  const cycle = one(ctx);
  if (isCompleted(cycle, Date.now())) {
    throw badRequest({ code: 'CYCLE_COMPLETED', message: 'The Cycle has already been completed so no new issues can be added' });
  }
  for (const id of new Set(issues.filter((i): i is string => typeof i === 'string'))) {
    if (!store.workItem(cycle.project, id)) continue;
    const existing = store.data.cycleIssues.find((l) => l.issue === id && !l.deleted_at);
    if (existing) Object.assign(existing, { cycle: cycle.id, updated_at: store.nowIso(), updated_by: user.id });
    else store.data.cycleIssues.push({ id: store.newId(), issue: id, cycle: cycle.id, project: cycle.project, workspace: cycle.workspace, ...store.audit(user.id) });
  }
  store.touch();
  return { status: 200, body: links(ctx, cycle.id).map((l) => linkView(l, store)) };
}

function removeItem(ctx: RouteContext) {
  one(ctx);
  const link = links(ctx, ctx.params.cycleId!).find((l) => l.issue === ctx.params.workItemId);
  if (!link) throw notFound();
  link.deleted_at = ctx.store.nowIso();
  ctx.store.touch();
  return { status: 204 };
}

export function cycleRoutes(): RouteDef[] {
  const base = `${PROJECT}/cycles/`;
  return [
    { path: base, access: 'project-entity', handlers: { GET: list, POST: create } },
    { path: `${base}{cycleId:uuid}/`, access: 'project-entity', handlers: { GET: (ctx) => ({ status: 200, body: pickFields(cycleView(ctx.store, one(ctx)), ctx.query) }), PATCH: patch, DELETE: remove } },
    { path: `${base}{cycleId:uuid}/cycle-issues/`, access: 'project-entity', handlers: { GET: listItems, POST: addItems } },
    { path: `${base}{cycleId:uuid}/cycle-issues/{workItemId:uuid}/`, access: 'project-entity', handlers: { DELETE: removeItem } },
  ];
}

