/** Path prefixes and helpers shared by the resource routers. */
import { notFound, objectBody } from '../http-io.js';
import type { Project } from '../model.js';
import { paginate, pageRequest } from '../pagination.js';
import type { RouteContext, RouteDef } from '../router.js';
import type { Json } from '../shape.js';

export const WS = '/workspaces/{slug}';
export const PROJECT = `${WS}/projects/{projectId:uuid}`;

/** Plane serves work items under both `/work-items/` and the deprecated `/issues/` (section 7.3). */
export function bothFamilies(make: (family: 'work-items' | 'issues') => RouteDef): RouteDef[] {
  return [make('work-items'), make('issues')];
}

export function projectOf(ctx: RouteContext): Project {
  const project = ctx.store.project(ctx.params.projectId!);
  if (!project) throw notFound();
  return project;
}

export function bodyOf(ctx: RouteContext): Record<string, unknown> {
  return objectBody(ctx.body);
}

/** An Envelope of `records` after validating `per_page` and `cursor`. */
export function envelope<T>(ctx: RouteContext, records: T[], view: (record: T) => Json) {
  const page = pageRequest(ctx.query, ctx.pages);
  const result = paginate(records, page);
  return { status: 200, body: { ...result, results: result.results.map(view) } };
}

export function requireFound<T>(value: T | undefined): T {
  if (value === undefined) throw notFound();
  return value;
}
