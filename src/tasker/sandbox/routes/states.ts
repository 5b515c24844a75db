/**
 * States (section 7.7): Envelope by sequence without triage; create answers 200; names unique per
 * project (409 with the existing id); the default state and non-empty states cannot be deleted.
 */
import { badRequest, conflict, notFound } from '../http-io.js';
import { STATE_GROUPS, type State } from '../model.js';
import type { RouteContext, RouteDef } from '../router.js';
import { orderRecords, pickFields, type Json } from '../shape.js';
import { FieldErrors, choiceField, stringField } from '../validate.js';
import { PROJECT, bodyOf, envelope, projectOf } from './common.js';

function visibleStates(ctx: RouteContext): State[] {
  return ctx.store.statesOf(projectOf(ctx).id).filter((s) => !s.is_triage);
}

function one(ctx: RouteContext): State {
  const state = visibleStates(ctx).find((s) => s.id === ctx.params.stateId);
  if (!state) throw notFound();
  return state;
}

function validate(body: Record<string, unknown>, creating: boolean) {
  const errors = new FieldErrors();
  const out = {
    name: stringField(body, 'name', errors, { required: creating || 'name' in body, max: 255 }),
    color: stringField(body, 'color', errors, { max: 255 }),
    description: stringField(body, 'description', errors),
    group: choiceField(body, 'group', STATE_GROUPS, errors),
    sequence: typeof body.sequence === 'number' ? body.sequence : undefined,
    external_id: stringField(body, 'external_id', errors, { max: 255, nullable: true }),
    external_source: stringField(body, 'external_source', errors, { max: 255, nullable: true }),
  };
  errors.throwIfAny();
  return out;
}

function nameTaken(ctx: RouteContext, name: string | null | undefined, except?: string): State | undefined {
  return name ? ctx.store.statesOf(ctx.params.projectId!).find((s) => s.name === name && s.id !== except) : undefined;
}

function create(ctx: RouteContext) {
  const { store, user } = ctx;
  const project = projectOf(ctx);
  const input = validate(bodyOf(ctx), true);
  if (input.external_id && input.external_source) {
    const dup = store.statesOf(project.id).find((s) => s.external_id === input.external_id && s.external_source === input.external_source);
    if (dup) throw conflict('State with the same external id and external source already exists', dup.id);
  }
  const taken = nameTaken(ctx, input.name);
  if (taken) throw conflict('State with the same name already exists in the project', taken.id);
  const group = input.group ?? 'backlog';
  const state: State = {
    id: store.newId(), name: input.name!, description: input.description ?? '', color: input.color ?? '#60646C',
    slug: input.name!.toLowerCase().replace(/\s+/g, '-'), sequence: input.sequence ?? Math.max(0, ...store.statesOf(project.id).map((s) => s.sequence)) + 15000,
    group, is_triage: group === 'triage', default: false, project: project.id, workspace: project.workspace,
    external_id: input.external_id ?? null, external_source: input.external_source ?? null, ...store.audit(user.id),
  };
  store.data.states.push(state);
  store.touch();
  return { status: 200, body: { ...state } };
}

function patch(ctx: RouteContext) {
  const state = one(ctx);
  const input = validate(bodyOf(ctx), false);
  const taken = nameTaken(ctx, input.name, state.id);
  if (taken) throw conflict('State with the same name already exists in the project', taken.id);
  for (const key of ['name', 'color', 'description', 'group', 'sequence', 'external_id', 'external_source'] as const) {
    if (input[key] !== undefined) Object.assign(state, { [key]: input[key] });
  }
  Object.assign(state, { updated_at: ctx.store.nowIso(), updated_by: ctx.user.id });
  ctx.store.touch();
  return { status: 200, body: { ...state } };
}

function remove(ctx: RouteContext) {
  const state = one(ctx);
  if (state.default) throw badRequest({ error: 'Default state cannot be deleted' });
  if (ctx.store.data.workItems.some((w) => w.state === state.id && !w.deleted_at)) {
    throw badRequest({ error: 'The state is not empty, only empty states can be deleted' });
  }
  state.deleted_at = ctx.store.nowIso();
  ctx.store.touch();
  return { status: 204 };
}

export function stateRoutes(): RouteDef[] {
  return [
    { path: `${PROJECT}/states/`, access: 'project-entity', handlers: {
      GET: (ctx) => envelope(ctx, orderRecords(visibleStates(ctx) as unknown as Json[], ctx.query, 'sequence'), (s) => pickFields({ ...s }, ctx.query)),
      POST: create,
    } },
    { path: `${PROJECT}/states/{stateId:uuid}/`, access: 'project-entity', handlers: {
      GET: (ctx) => ({ status: 200, body: pickFields({ ...one(ctx) }, ctx.query) }), PATCH: patch, DELETE: remove,
    } },
  ];
}
