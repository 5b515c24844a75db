/**
 * Projects, members and the current user (sections 7.1, 7.2, 7.10). The project list holds the
 * caller's projects plus every public one (`is_member` false there).
 */
import type { Project } from '../model.js';
import type { RouteContext, RouteDef } from '../router.js';
import { pickFields, userLite, type Json } from '../shape.js';
import { projectView } from '../views.js';
import { PROJECT, WS, envelope, requireFound } from './common.js';

function visibleProjects(ctx: RouteContext): Project[] {
  const { store, user } = ctx;
  return store.data.projects.filter((p) => !p.deleted_at && (p.network === 2 || !!store.projectMembership(p.id, user.id)));
}

function listProjects(ctx: RouteContext) {
  const views = visibleProjects(ctx)
    .map((p) => projectView(ctx.store, p, ctx.user.id, true))
    .sort((a, b) => ((a.sort_order as number | null) ?? Infinity) - ((b.sort_order as number | null) ?? Infinity) || String(a.created_at).localeCompare(String(b.created_at)));
  return envelope(ctx, views, (v) => pickFields(v, ctx.query));
}

function getProject(ctx: RouteContext) {
  const project = requireFound(visibleProjects(ctx).find((p) => p.id === ctx.params.projectId));
  return { status: 200, body: pickFields(projectView(ctx.store, project, ctx.user.id, false), ctx.query) };
}

function projectMembers(ctx: RouteContext) {
  const { store } = ctx;
  const members = store.data.projectMembers.filter((m) => m.project === ctx.params.projectId);
  return { status: 200, body: members.map((m) => userLite(store.user(m.member))).filter((u): u is Json => u !== null) };
}

function workspaceMembers(ctx: RouteContext) {
  const { store } = ctx;
  const body = store.data.workspaceMembers.filter((m) => m.is_active).map((m) => ({ ...userLite(store.user(m.member)), role: m.role }));
  return { status: 200, body };
}

export function projectRoutes(): RouteDef[] {
  return [
    { path: '/users/me/', access: 'user', handlers: { GET: (ctx) => ({ status: 200, body: userLite(ctx.user) }) } },
    { path: `${WS}/members/`, access: 'workspace-staff', handlers: { GET: workspaceMembers } },
    { path: `${WS}/projects/`, access: 'workspace', handlers: { GET: listProjects } },
    { path: `${PROJECT}/`, access: 'workspace', handlers: { GET: getProject } },
    { path: `${PROJECT}/members/`, access: 'project-members', handlers: { GET: projectMembers } },
    { path: `${PROJECT}/project-members/`, access: 'project-members', handlers: { GET: projectMembers } },
  ];
}
