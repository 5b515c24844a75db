/**
 * Comments (section 7.6): newest first; create answers 201; the external-id check is project-wide
 * and runs before validation; an unknown work item is a 400 "payload is not valid".
 */
import { normaliseHtml } from '../html.js';
import { badRequest, conflict, notFound } from '../http-io.js';
import type { Comment } from '../model.js';
import type { RouteContext, RouteDef } from '../router.js';
import { expandRecord, orderRecords, pickFields, type Json } from '../shape.js';
import { FieldErrors, choiceField, stringField } from '../validate.js';
import { commentExpanders } from '../views.js';
import { PROJECT, bodyOf, bothFamilies, envelope, projectOf } from './common.js';

const DUPLICATE = 'Issue Comment with the same external id and external source already exists';

function view(ctx: RouteContext, comment: Comment): Json {
  return pickFields(expandRecord({ ...comment }, ctx.query, commentExpanders, ctx.store), ctx.query);
}

function liveComments(ctx: RouteContext): Comment[] {
  return ctx.store.data.comments.filter((c) => c.project === ctx.params.projectId && c.issue === ctx.params.workItemId && !c.deleted_at);
}

function list(ctx: RouteContext) {
  projectOf(ctx);
  const comments = orderRecords(liveComments(ctx) as unknown as Json[], ctx.query, '-created_at') as unknown as Comment[];
  return envelope(ctx, comments, (c) => view(ctx, c));
}

/** A live comment of the project with the pair (Plane's check is project-wide, not per work item). */
function pairTaken(ctx: RouteContext, source: unknown, id: unknown, except?: string): Comment | undefined {
  return ctx.store.commentPairs.find(ctx.params.projectId!, source, id, except);
}

function validate(body: Record<string, unknown>) {
  const errors = new FieldErrors();
  const html = stringField(body, 'comment_html', errors);
  const access = choiceField(body, 'access', ['INTERNAL', 'EXTERNAL'] as const, errors);
  const externalId = stringField(body, 'external_id', errors, { max: 255, nullable: true });
  const externalSource = stringField(body, 'external_source', errors, { max: 255, nullable: true });
  errors.throwIfAny();
  return { html, access, externalId, externalSource };
}

function create(ctx: RouteContext) {
  const { store, user } = ctx;
  const project = projectOf(ctx);
  const body = bodyOf(ctx);
  const existing = pairTaken(ctx, body.external_source, body.external_id);
  if (existing) throw conflict(DUPLICATE, existing.id);
  const input = validate(body);
  const item = store.workItem(project.id, ctx.params.workItemId!);
  if (!item) throw badRequest({ error: 'The payload is not valid' });
  const comment: Comment = {
    id: store.newId(), comment_html: normaliseHtml(input.html ?? ''), attachments: [], access: input.access ?? 'INTERNAL',
    edited_at: null, actor: user.id, issue: item.id, parent: null, description: store.newId(), is_member: true,
    project: project.id, workspace: project.workspace, external_id: input.externalId ?? null,
    external_source: input.externalSource ?? null, ...store.audit(user.id),
  };
  store.data.comments.push(comment);
  store.touch();
  return { status: 201, body: view(ctx, comment) };
}

function one(ctx: RouteContext): Comment {
  const comment = liveComments(ctx).find((c) => c.id === ctx.params.commentId);
  if (!comment) throw notFound();
  return comment;
}

function patch(ctx: RouteContext) {
  const comment = one(ctx);
  const body = bodyOf(ctx);
  const input = validate(body);
  const source = input.externalSource !== undefined ? input.externalSource : comment.external_source;
  const id = input.externalId !== undefined ? input.externalId : comment.external_id;
  if ((input.externalId !== undefined || input.externalSource !== undefined) && pairTaken(ctx, source, id, comment.id)) {
    throw conflict(DUPLICATE, comment.id);
  }
  const now = ctx.store.nowIso();
  if (input.html !== undefined && input.html !== null) Object.assign(comment, { comment_html: normaliseHtml(input.html), edited_at: now });
  if (input.access) comment.access = input.access;
  Object.assign(comment, { external_source: source, external_id: id, updated_at: now, updated_by: ctx.user.id });
  ctx.store.commentPairs.refresh(comment);
  ctx.store.touch();
  return { status: 200, body: view(ctx, comment) };
}

function remove(ctx: RouteContext) {
  one(ctx).deleted_at = ctx.store.nowIso();
  ctx.store.touch();
  return { status: 204 };
}

export function commentRoutes(): RouteDef[] {
  const base = (f: string) => `${PROJECT}/${f}/{workItemId:uuid}/comments/`;
  return [
    ...bothFamilies((f) => ({ path: base(f), access: 'project-lite', handlers: { GET: list, POST: create } })),
    ...bothFamilies((f) => ({ path: `${base(f)}{commentId:uuid}/`, access: 'project-lite', handlers: { GET: (ctx) => ({ status: 200, body: view(ctx, one(ctx)) }), PATCH: patch, DELETE: remove } })),
  ];
}
