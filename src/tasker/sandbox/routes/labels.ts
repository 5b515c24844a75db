/** Labels (section 7.8): Envelope newest first; duplicate name or external id in a project is a 409 with the id. */
import { conflict, notFound } from '../http-io.js';
import type { Label } from '../model.js';
import type { RouteContext, RouteDef } from '../router.js';
import { orderRecords, pickFields, type Json } from '../shape.js';
import { FieldErrors, pkField, stringField } from '../validate.js';
import { labelView } from '../views.js';
import { PROJECT, bodyOf, envelope, projectOf } from './common.js';

function liveLabels(ctx: RouteContext): Label[] {
  const project = projectOf(ctx);
  return ctx.store.data.labels.filter((l) => l.project === project.id && !l.deleted_at);
}

function one(ctx: RouteContext): Label {
  const label = liveLabels(ctx).find((l) => l.id === ctx.params.labelId);
  if (!label) throw notFound();
  return label;
}

function validate(ctx: RouteContext, body: Record<string, unknown>, creating: boolean) {
  const errors = new FieldErrors();
  const out = {
    name: stringField(body, 'name', errors, { required: creating || 'name' in body, max: 255 }),
    color: stringField(body, 'color', errors, { max: 255 }),
    description: stringField(body, 'description', errors),
    parent: pkField(body, 'parent', (id) => liveLabels(ctx).some((l) => l.id === id), errors),
    sort_order: typeof body.sort_order === 'number' ? body.sort_order : undefined,
    external_id: stringField(body, 'external_id', errors, { max: 255, nullable: true }),
    external_source: stringField(body, 'external_source', errors, { max: 255, nullable: true }),
  };
  errors.throwIfAny();
  return out;
}

function checkUnique(ctx: RouteContext, input: { name?: string | null; external_id?: string | null; external_source?: string | null }, except?: string): void {
  const others = liveLabels(ctx).filter((l) => l.id !== except);
  if (input.external_id && input.external_source) {
    const dup = others.find((l) => l.external_id === input.external_id && l.external_source === input.external_source);
    if (dup) throw conflict('Label with the same external id and external source already exists', dup.id);
  }
  const sameName = input.name ? others.find((l) => l.name === input.name) : undefined;
  if (sameName) throw conflict('Label with the same name already exists in the project', sameName.id);
}

function create(ctx: RouteContext) {
  const { store, user } = ctx;
  const project = projectOf(ctx);
  const input = validate(ctx, bodyOf(ctx), true);
  checkUnique(ctx, input);
  const label: Label = {
    id: store.newId(), name: input.name!, description: input.description ?? '', color: input.color ?? '',
    sort_order: input.sort_order ?? Math.max(0, ...liveLabels(ctx).map((l) => l.sort_order)) + 10000, parent: input.parent ?? null,
    project: project.id, workspace: project.workspace, external_id: input.external_id ?? null,
    external_source: input.external_source ?? null, ...store.audit(user.id),
  };
  store.data.labels.push(label);
  store.touch();
  return { status: 201, body: labelView(label) };
}

function patch(ctx: RouteContext) {
  const label = one(ctx);
  const input = validate(ctx, bodyOf(ctx), false);
  checkUnique(ctx, { name: input.name }, label.id);
  for (const key of ['name', 'color', 'description', 'parent', 'sort_order', 'external_id', 'external_source'] as const) {
    if (input[key] !== undefined) Object.assign(label, { [key]: input[key] });
  }
  Object.assign(label, { updated_at: ctx.store.nowIso(), updated_by: ctx.user.id });
  ctx.store.touch();
  return { status: 200, body: labelView(label) };
}

function remove(ctx: RouteContext) {
  const label = one(ctx);
  label.deleted_at = ctx.store.nowIso();
  for (const item of ctx.store.data.workItems) item.labels = item.labels.filter((id) => id !== label.id);
  ctx.store.touch();
  return { status: 204 };
}

export function labelRoutes(): RouteDef[] {
  return [
    { path: `${PROJECT}/labels/`, access: 'project-entity', handlers: {
      GET: (ctx) => envelope(ctx, orderRecords(liveLabels(ctx) as unknown as Json[], ctx.query, '-created_at'), (l) => pickFields({ ...l }, ctx.query)),
      POST: create,
    } },
    { path: `${PROJECT}/labels/{labelId:uuid}/`, access: 'project-entity', handlers: {
      GET: (ctx) => ({ status: 200, body: pickFields(labelView(one(ctx)), ctx.query) }), PATCH: patch, DELETE: remove,
    } },
  ];
}
