/**
 * Workspace-level work-item reads: by human id `IDENT-SEQ` (section 7.5) and search (section 7.13),
 * under both path families.
 */
import { forbidden, notFound, serverError } from '../http-io.js';
import type { RouteContext, RouteDef } from '../router.js';
import { workItemView } from '../views.js';
import { WS, bothFamilies } from './common.js';

function byHumanId(ctx: RouteContext) {
  const { store, user } = ctx;
  const key = ctx.params.humanId!;
  const cut = key.lastIndexOf('-');
  const identifier = key.slice(0, cut);
  const sequence = key.slice(cut + 1);
  const project = store.projectByIdentifier(identifier);
  if (!project || !store.projectMembership(project.id, user.id)) throw forbidden();
  // Plane casts the sequence to an integer without checking: anything else is its 500.
  if (!/^\d+$/.test(sequence)) throw serverError();
  const item = store.activeWorkItemsOf(project.id).find((w) => w.sequence_id === Number(sequence));
  if (!item) throw notFound();
  return { status: 200, body: workItemView(store, item, ctx.query) };
}

function search(ctx: RouteContext) {
  const { store, user, query } = ctx;
  const text = (query.get('search') ?? '').trim();
  if (!text) return { status: 200, body: { issues: [] } };
  const limitParam = Number.parseInt(query.get('limit') ?? '', 10);
  const limit = Number.isFinite(limitParam) && limitParam > 0 ? limitParam : 10;
  const workspaceWide = query.get('workspace_search') === 'true';
  const projectId = query.get('project_id');
  const needle = text.toLowerCase();
  const number = /^\d+$/.test(text) ? Number(text) : undefined;
  const projects = store.data.projects.filter((p) => !p.deleted_at && store.projectMembership(p.id, user.id))
    .filter((p) => workspaceWide || !projectId || p.id === projectId);
  const issues = projects.flatMap((p) => store.activeWorkItemsOf(p.id)
    .filter((w) => w.name.toLowerCase().includes(needle) || p.identifier.toLowerCase().includes(needle) || w.sequence_id === number)
    .map((w) => ({ id: w.id, name: w.name, sequence_id: w.sequence_id, project__identifier: p.identifier, project_id: p.id, workspace__slug: store.data.workspace.slug, created_at: w.created_at })))
    .sort((a, b) => (a.created_at < b.created_at ? 1 : -1))
    .slice(0, limit)
    .map(({ created_at: _c, ...rest }) => rest);
  return { status: 200, body: { issues } };
}

export function workItemLookupRoutes(): RouteDef[] {
  return [
    ...bothFamilies((f) => ({ path: `${WS}/${f}/search/`, access: 'workspace', handlers: { GET: search } })),
    ...bothFamilies((f) => ({ path: `${WS}/${f}/{humanId:human}/`, access: 'workspace', handlers: { GET: byHumanId } })),
  ];
}
