import type { PathFamily } from './config.js';
import { humanIdSegment, uuidSegment, type HumanId } from './ids.js';

declare const planePathBrand: unique symbol;
/** A Tasker API path built by this module; the HTTP client accepts nothing else. */
export type PlanePath = string & { readonly [planePathBrand]: true };

/**
 * The complete list of Tasker endpoints the adapter can reach (see docs/TASKER_API_AUDIT.md).
 * Each builder validates and encodes its segments and keeps Plane's trailing slash.
 */
export class Endpoints {
  private readonly ws: string;

  constructor(
    workspace: string,
    private readonly family: PathFamily,
  ) {
    this.ws = `/workspaces/${encodeURIComponent(workspace)}`;
  }

  private path(...parts: string[]): PlanePath {
    return `${parts.join('/')}/` as PlanePath;
  }

  private project(projectId: string): string {
    return `${this.ws}/projects/${encodeURIComponent(uuidSegment(projectId, '/project'))}`;
  }

  private item(projectId: string, workItemId: string): string {
    return `${this.project(projectId)}/${this.family}/${encodeURIComponent(uuidSegment(workItemId, '/work_item'))}`;
  }

  currentUser(): PlanePath {
    return '/users/me/' as PlanePath;
  }

  projects(): PlanePath {
    return this.path(`${this.ws}/projects`);
  }

  projectDetail(projectId: string): PlanePath {
    return this.path(this.project(projectId));
  }

  workItems(projectId: string): PlanePath {
    return this.path(this.project(projectId), this.family);
  }

  workItem(projectId: string, workItemId: string): PlanePath {
    return this.path(this.item(projectId, workItemId));
  }

  workItemByHumanId(humanId: HumanId): PlanePath {
    return this.path(this.ws, this.family, encodeURIComponent(humanIdSegment(humanId, '/work_item')));
  }

  search(): PlanePath {
    return this.path(this.ws, this.family, 'search');
  }

  comments(projectId: string, workItemId: string): PlanePath {
    return this.path(this.item(projectId, workItemId), 'comments');
  }

  comment(projectId: string, workItemId: string, commentId: string): PlanePath {
    return this.path(this.item(projectId, workItemId), 'comments', encodeURIComponent(uuidSegment(commentId, '/comment')));
  }

  links(projectId: string, workItemId: string): PlanePath {
    return this.path(this.item(projectId, workItemId), 'links');
  }

  activities(projectId: string, workItemId: string): PlanePath {
    return this.path(this.item(projectId, workItemId), 'activities');
  }

  states(projectId: string): PlanePath {
    return this.path(this.project(projectId), 'states');
  }

  labels(projectId: string): PlanePath {
    return this.path(this.project(projectId), 'labels');
  }

  members(projectId: string): PlanePath {
    return this.path(this.project(projectId), 'members');
  }

  cycles(projectId: string): PlanePath {
    return this.path(this.project(projectId), 'cycles');
  }

  cycleWorkItems(projectId: string, cycleId: string): PlanePath {
    return this.path(this.project(projectId), 'cycles', encodeURIComponent(uuidSegment(cycleId, '/cycle')), 'cycle-issues');
  }

  cycleWorkItem(projectId: string, cycleId: string, workItemId: string): PlanePath {
    return this.path(this.cycleWorkItems(projectId, cycleId).slice(0, -1), encodeURIComponent(uuidSegment(workItemId, '/work_item')));
  }

  modules(projectId: string): PlanePath {
    return this.path(this.project(projectId), 'modules');
  }

  moduleWorkItems(projectId: string, moduleId: string): PlanePath {
    return this.path(this.project(projectId), 'modules', encodeURIComponent(uuidSegment(moduleId, '/module')), 'module-issues');
  }

  moduleWorkItem(projectId: string, moduleId: string, workItemId: string): PlanePath {
    return this.path(this.moduleWorkItems(projectId, moduleId).slice(0, -1), encodeURIComponent(uuidSegment(workItemId, '/work_item')));
  }
}
