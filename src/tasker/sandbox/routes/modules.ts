/**
 * Modules (section 7.12): Envelope lists, work items of a module, adding items with POST
 * `{"issues": [...]}` (200, bare array; ADDITIVE, ids of other projects dropped), removing a link.
 */
import { PlaneHttpError, badRequest, conflict, notFound } from '../http-io.js';
import { MODULE_STATUSES, type Module, type ModuleIssue } from '../model.js';
import type { RouteContext, RouteDef } from '../router.js';
import { orderRecords, pickFields, type Json } from '../shape.js';
import { FieldErrors, choiceField, dateField, pkField, pkListField, stringField } from '../validate.js';
import { linkView, moduleView, workItemView } from '../views.js';
import { PROJECT, bodyOf, envelope, projectOf } from './common.js';
import { orderedWorkItems } from './work-items.js';

function liveModules(ctx: RouteContext): Module[] {
  const project = projectOf(ctx);
  return ctx.store.data.modules.filter((m) => m.project === project.id && !m.deleted_at);
}

function one(ctx: RouteContext): Module {
  const module = liveModules(ctx).find((m) => m.id === ctx.params.moduleId);
  if (!module) throw notFound();
  return module;
}

function validate(ctx: RouteContext, body: Record<string, unknown>, creating: boolean) {
  const errors = new FieldErrors();
  const isUser = (id: string) => !!ctx.store.user(id);
  const out = {
    name: stringField(body, 'name', errors, { required: creating || 'name' in body, max: 255 }),
    description: stringField(body, 'description', errors),
    start_date: dateField(body, 'start_date', errors),
    target_date: dateField(body, 'target_date', errors),
    status: choiceField(body, 'status', MODULE_STATUSES, errors),
    lead: pkField(body, 'lead', isUser, errors),
    members: pkListField(body, 'members', isUser, errors),
    external_id: stringField(body, 'external_id', errors, { max: 255, nullable: true }),
    external_source: stringField(body, 'external_source', errors, { max: 255, nullable: true }),
  };
  errors.throwIfAny();
  return out;
}

function checkDates(start: string | null, target: string | null): void {
  if (start && target && start > target) throw badRequest({ error: 'Start date cannot exceed target date' });
}

function create(ctx: RouteContext) {
  const { store, user } = ctx;
  const project = projectOf(ctx);
  if (!project.module_view) throw badRequest({ error: 'Modules are not enabled for this project' });
  const input = validate(ctx, bodyOf(ctx), true);
  checkDates(input.start_date ?? null, input.target_date ?? null);
  const others = liveModules(ctx);
  if (input.external_id && input.external_source) {
    const dup = others.find((m) => m.external_id === input.external_id && m.external_source === input.external_source);
    if (dup) throw conflict('Module with the same external id and external source already exists', dup.id);
  }
  const sameName = others.find((m) => m.name === input.name);
  if (sameName) throw conflict('Module with this name already exists', sameName.id);
  const module: Module = {
    id: store.newId(), name: input.name!, description: input.description ?? '', description_text: null, description_html: null,
    start_date: input.start_date ?? null, target_date: input.target_date ?? null, status: input.status ?? 'planned',
    lead: input.lead ?? null, members: input.members ?? [], view_props: {}, sort_order: 65535, archived_at: null, logo_props: {},
    project: project.id, workspace: project.workspace, external_id: input.external_id ?? null,
    external_source: input.external_source ?? null, ...store.audit(user.id),
  };
  store.data.modules.push(module);
  store.touch();
  return { status: 201, body: moduleView(store, module) };
}

function patch(ctx: RouteContext) {
  const module = one(ctx);
  const input = validate(ctx, bodyOf(ctx), false);
  checkDates(input.start_date !== undefined ? input.start_date : module.start_date, input.target_date !== undefined ? input.target_date : module.target_date);
  for (const key of ['name', 'description', 'start_date', 'target_date', 'status', 'lead', 'members', 'external_id', 'external_source'] as const) {
    if (input[key] !== undefined) Object.assign(module, { [key]: input[key] });
  }
  Object.assign(module, { updated_at: ctx.store.nowIso(), updated_by: ctx.user.id });
  ctx.store.touch();
  return { status: 200, body: moduleView(ctx.store, module) };
}

function remove(ctx: RouteContext) {
  const module = one(ctx);
  if (module.created_by !== ctx.user.id && ctx.store.projectRole(module.project, ctx.user.id) !== 20) {
    throw new PlaneHttpError(403, { error: 'Only admin or creator can delete the module' });
  }
  const now = ctx.store.nowIso();
  module.deleted_at = now;
  for (const link of ctx.store.data.moduleIssues) if (link.module === module.id) link.deleted_at = now;
  ctx.store.touch();
  return { status: 204 };
}

function links(ctx: RouteContext, moduleId: string): ModuleIssue[] {
  return ctx.store.data.moduleIssues.filter((l) => l.module === moduleId && !l.deleted_at);
}

function listItems(ctx: RouteContext) {
  const project = projectOf(ctx);
  const ids = new Set(links(ctx, ctx.params.moduleId!).map((l) => l.issue));
  const items = orderedWorkItems(ctx, ctx.store.activeWorkItemsOf(project.id).filter((w) => ids.has(w.id)), 'created_at');
  return envelope(ctx, items, (w) => workItemView(ctx.store, w, ctx.query));
}

function addItems(ctx: RouteContext) {
  const { store, user } = ctx;
  const issues = bodyOf(ctx).issues;
  if (!Array.isArray(issues) || issues.length === 0) throw badRequest({ error: 'Issues are required' });
  const module = one(ctx);
  const present = new Set(links(ctx, module.id).map((l) => l.issue));
  for (const id of new Set(issues.filter((i): i is string => typeof i === 'string'))) {
    if (present.has(id) || !store.workItem(module.project, id)) continue;
    store.data.moduleIssues.push({ id: store.newId(), issue: id, module: module.id, project: module.project, workspace: module.workspace, ...store.audit(user.id) });
  }
  store.touch();
  return { status: 200, body: links(ctx, module.id).map((l) => linkView(l, store)) };
}

function removeItem(ctx: RouteContext) {
  one(ctx);
  const link = links(ctx, ctx.params.moduleId!).find((l) => l.issue === ctx.params.workItemId);
  if (!link) throw notFound();
  link.deleted_at = ctx.store.nowIso();
  ctx.store.touch();
  return { status: 204 };
}

export function moduleRoutes(): RouteDef[] {
  const base = `${PROJECT}/modules/`;
  return [
    { path: base, access: 'project-entity', handlers: {
      GET: (ctx) => envelope(ctx, orderRecords(liveModules(ctx).filter((m) => m.archived_at === null) as unknown as Json[], ctx.query, '-created_at') as unknown as Module[], (m) => pickFields(moduleView(ctx.store, m), ctx.query)),
      POST: create,
    } },
    { path: `${base}{moduleId:uuid}/`, access: 'project-entity', handlers: { GET: (ctx) => ({ status: 200, body: pickFields(moduleView(ctx.store, one(ctx)), ctx.query) }), PATCH: patch, DELETE: remove } },
    { path: `${base}{moduleId:uuid}/module-issues/`, access: 'project-entity', handlers: { GET: listItems, POST: addItems } },
    { path: `${base}{moduleId:uuid}/module-issues/{workItemId:uuid}/`, access: 'project-entity', handlers: { DELETE: removeItem } },
  ];
}
