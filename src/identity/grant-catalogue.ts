import { GatewayError, type FieldError } from '../errors/index.js';
import type { GrantProjects } from '../store/index.js';

export type ToolKind = 'read' | 'write' | 'destructive';

const KINDS: readonly string[] = ['read', 'write', 'destructive'];

/** A project as Tasker names it: grants may use its identifier (`OPS`, any case) or its id. */
export interface CatalogueProject {
  id: string;
  identifier: string;
  name: string;
}

/**
 * What a grant may name: the configured Tasker workspace, the projects Tasker has, the tools of
 * the tool contracts and their kinds. The Tasker stage provides it; without one (a gateway with
 * no Tasker stage) grants are checked against their schema only.
 */
export interface GrantCatalogue {
  workspace: string;
  /** Tool name -> kind; only tools a grant can give (not the self-service ones). */
  tools: ReadonlyMap<string, ToolKind>;
  projects(): Promise<CatalogueProject[]>;
}

/** What a grant names, in the shape of the grants API (its pointers match the request body). */
export interface GrantNames {
  workspace: string;
  projects: GrantProjects;
  tools: string[];
  constraints?: Record<string, unknown>;
}

/** The project references (identifiers or ids) Tasker does not have, in the order given. */
export function unknownProjects(projects: CatalogueProject[], refs: readonly string[]): string[] {
  return refs.filter((ref) => !knownProject(projects, ref));
}

function knownProject(projects: CatalogueProject[], ref: string): boolean {
  const lower = ref.toLowerCase();
  return projects.some((p) => p.identifier.toLowerCase() === lower || p.id.toLowerCase() === lower);
}

function toolErrors(catalogue: GrantCatalogue, names: unknown, pointer: string, allowKinds: boolean): FieldError[] {
  if (!Array.isArray(names)) return [];
  return names.flatMap((name, i) => {
    if (typeof name !== 'string') return [];
    if (allowKinds && KINDS.includes(name)) return [];
    return catalogue.tools.has(name) ? [] : [{ pointer: `${pointer}/${i}`, message: `${name} is not a tool${allowKinds ? ' or kind' : ''} of the catalogue` }];
  });
}

function projectErrors(projects: CatalogueProject[], refs: unknown, pointer: string): FieldError[] {
  if (!Array.isArray(refs)) return [];
  return refs.flatMap((ref, i) => (typeof ref === 'string' && !knownProject(projects, ref) ? [{ pointer: `${pointer}/${i}`, message: `Tasker has no project ${ref}` }] : []));
}

/**
 * Refuses, with the pointer of each bad value: a workspace other than the configured one,
 * projects Tasker does not have (unless `*`), tools or kinds not in the catalogue, also where
 * the constraints name them.
 */
export async function checkGrantNames(catalogue: GrantCatalogue, grant: GrantNames): Promise<void> {
  const fields: FieldError[] = [];
  if (grant.workspace !== catalogue.workspace) fields.push({ pointer: '/workspace', message: `must be the configured Tasker workspace ${catalogue.workspace}` });
  const constraints = grant.constraints ?? {};
  const namesProjects = grant.projects !== '*' || Array.isArray(constraints.approval_required_projects);
  const projects = namesProjects ? await catalogue.projects() : [];
  if (grant.projects !== '*') fields.push(...projectErrors(projects, grant.projects, '/projects'));
  fields.push(...toolErrors(catalogue, grant.tools, '/tools', true));
  fields.push(...projectErrors(projects, constraints.approval_required_projects, '/constraints/approval_required_projects'));
  fields.push(...toolErrors(catalogue, constraints.approval_required_tools, '/constraints/approval_required_tools', false));
  if (fields.length) throw new GatewayError('validation_failed', 'The grant names something Tasker or the tool catalogue does not have.', { fields });
}
