/** Work-item activity (section 7.9): Envelope oldest first, comment/vote/reaction/draft left out. */
import { PlaneHttpError } from '../http-io.js';
import type { Activity } from '../model.js';
import type { RouteContext, RouteDef } from '../router.js';
import { orderRecords, pickFields, type Json } from '../shape.js';
import { PROJECT, bothFamilies, envelope, projectOf } from './common.js';

const HIDDEN_FIELDS = new Set(['comment', 'vote', 'reaction', 'draft']);

function visible(ctx: RouteContext): Activity[] {
  projectOf(ctx);
  return ctx.store.data.activities.filter((a) => a.project === ctx.params.projectId && a.issue === ctx.params.workItemId && !a.deleted_at && !HIDDEN_FIELDS.has(a.field ?? ''));
}

function list(ctx: RouteContext) {
  const ordered = orderRecords(visible(ctx) as unknown as Json[], ctx.query, 'created_at');
  return envelope(ctx, ordered, (a) => pickFields({ ...a }, ctx.query));
}

function get(ctx: RouteContext) {
  const activity = visible(ctx).find((a) => a.id === ctx.params.activityId);
  if (!activity) throw new PlaneHttpError(404, { message: 'Activity not found.', code: 'NOT_FOUND' });
  return { status: 200, body: pickFields({ ...activity }, ctx.query) };
}

export function activityRoutes(): RouteDef[] {
  const base = (f: string) => `${PROJECT}/${f}/{workItemId:uuid}/activities/`;
  return [
    ...bothFamilies((f) => ({ path: base(f), access: 'project-entity', handlers: { GET: list } })),
    ...bothFamilies((f) => ({ path: `${base(f)}{activityId:uuid}/`, access: 'project-entity', handlers: { GET: get } })),
  ];
}
