/**
 * Work-item links (TASKER_API.md section 7.3, `.../links/`): an Envelope newest first; create
 * answers 201 with the link; one link per URL and item (a repeat is a 400 naming the URL); GET,
 * PATCH and DELETE (204) of one link. Creating a link writes a `link` activity entry, as Plane's
 * worker does.
 */
import { activityEntry } from '../activity.js';
import { badRequest, notFound } from '../http-io.js';
import type { IssueLink } from '../model.js';
import type { RouteContext, RouteDef } from '../router.js';
import { orderRecords, pickFields, type Json } from '../shape.js';
import { FieldErrors, stringField } from '../validate.js';
import { PROJECT, bodyOf, bothFamilies, envelope, projectOf } from './common.js';

const DUPLICATE = 'URL already exists for this Issue';

function allLinks(ctx: RouteContext): IssueLink[] {
  ctx.store.data.links ??= [];
  return ctx.store.data.links;
}

function liveLinks(ctx: RouteContext): IssueLink[] {
  return allLinks(ctx).filter((l) => l.project === ctx.params.projectId && l.issue === ctx.params.workItemId && !l.deleted_at);
}

function view(ctx: RouteContext, link: IssueLink): Json {
  return pickFields({ ...link, metadata: { ...link.metadata } }, ctx.query);
}

function list(ctx: RouteContext) {
  projectOf(ctx);
  const links = orderRecords(liveLinks(ctx) as unknown as Json[], ctx.query, '-created_at') as unknown as IssueLink[];
  return envelope(ctx, links, (l) => view(ctx, l));
}

function validUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

function validate(body: Record<string, unknown>, creating: boolean) {
  const errors = new FieldErrors();
  const url = stringField(body, 'url', errors, { required: creating, max: 2048 });
  const title = stringField(body, 'title', errors, { max: 255, nullable: true });
  if (typeof url === 'string' && !validUrl(url)) errors.add('url', 'Enter a valid URL.');
  errors.throwIfAny();
  return { url, title };
}

function create(ctx: RouteContext) {
  const { store, user } = ctx;
  const project = projectOf(ctx);
  const item = store.activeWorkItem(project.id, ctx.params.workItemId!);
  if (!item) throw notFound();
  const input = validate(bodyOf(ctx), true);
  if (liveLinks(ctx).some((l) => l.url === input.url)) throw badRequest({ error: DUPLICATE });
  const link: IssueLink = {
    id: store.newId(), title: input.title ?? null, url: input.url!, metadata: {}, issue: item.id, project: project.id,
    workspace: project.workspace, ...store.audit(user.id),
  };
  allLinks(ctx).push(link);
  store.data.activities.push(activityEntry(store, item, user.id, 'created', { field: 'link', new_value: link.url, comment: 'added a link' }));
  store.touch();
  return { status: 201, body: view(ctx, link) };
}

function one(ctx: RouteContext): IssueLink {
  const link = liveLinks(ctx).find((l) => l.id === ctx.params.linkId);
  if (!link) throw notFound();
  return link;
}

function patch(ctx: RouteContext) {
  const link = one(ctx);
  const input = validate(bodyOf(ctx), false);
  if (input.url !== undefined && input.url !== null) {
    if (liveLinks(ctx).some((l) => l.url === input.url && l.id !== link.id)) throw badRequest({ error: DUPLICATE });
    link.url = input.url;
  }
  if (input.title !== undefined) link.title = input.title;
  Object.assign(link, { updated_at: ctx.store.nowIso(), updated_by: ctx.user.id });
  ctx.store.touch();
  return { status: 200, body: view(ctx, link) };
}

function remove(ctx: RouteContext) {
  one(ctx).deleted_at = ctx.store.nowIso();
  ctx.store.touch();
  return { status: 204 };
}

export function linkRoutes(): RouteDef[] {
  const base = (f: string) => `${PROJECT}/${f}/{workItemId:uuid}/links/`;
  return [
    ...bothFamilies((f) => ({ path: base(f), access: 'project-entity', handlers: { GET: list, POST: create } })),
    ...bothFamilies((f) => ({ path: `${base(f)}{linkId:uuid}/`, access: 'project-entity', handlers: { GET: (ctx) => ({ status: 200, body: view(ctx, one(ctx)) }), PATCH: patch, DELETE: remove } })),
  ];
}
