import type { Project, SearchHit } from './types.js';

/** Project searches in flight at once: enough to hide latency, few enough to stay off Tasker's throttle. */
export const SEARCH_FANOUT = 4;

/**
 * A search confined to some projects, run project by project (Plane's search takes one project or
 * the whole workspace, and cutting a workspace result down to the scope would return fewer hits
 * than exist within it). Hits come in the order of `projects`, at most `limit` of them; projects
 * are searched in groups of SEARCH_FANOUT and the search stops once `limit` hits are in hand.
 */
export async function searchProjects(projects: readonly Project[], limit: number, searchOne: (projectId: string) => Promise<SearchHit[]>): Promise<SearchHit[]> {
  const hits: SearchHit[] = [];
  for (let start = 0; start < projects.length && hits.length < limit; start += SEARCH_FANOUT) {
    const group = projects.slice(start, start + SEARCH_FANOUT);
    for (const found of await Promise.all(group.map((p) => searchOne(p.id)))) hits.push(...found);
  }
  return hits.slice(0, limit);
}
