import type { PlaneObject } from './mapping.js';
import type { Priority, StateGroup, WorkItem } from './types.js';

/** Plane v1 has no server-side filters for work items (TASKER_API.md section 7.5); these run here. */
export interface WorkItemFilter {
  stateGroups?: ReadonlySet<StateGroup>;
  stateId?: string;
  priorities?: ReadonlySet<Priority>;
  assigneeId?: string;
  labelId?: string;
  /** Lowercase text to find in the name or the description's text. */
  text?: string;
  updatedSinceMs?: number;
}

function plainText(html: unknown): string {
  return typeof html === 'string' ? html.replace(/<[^>]*>/g, ' ') : '';
}

export function matchesFilter(item: WorkItem, raw: PlaneObject, filter: WorkItemFilter): boolean {
  if (filter.stateGroups && !(item.state && filter.stateGroups.has(item.state.group as StateGroup))) return false;
  if (filter.stateId && item.state?.id !== filter.stateId) return false;
  if (filter.priorities && !filter.priorities.has(item.priority)) return false;
  if (filter.assigneeId && !item.assignees.some((a) => a.id === filter.assigneeId)) return false;
  if (filter.labelId && !item.labels.some((l) => l.id === filter.labelId)) return false;
  if (filter.updatedSinceMs !== undefined && Date.parse(item.updated_at) < filter.updatedSinceMs) return false;
  if (filter.text) {
    const haystack = `${item.name}\n${plainText(raw.description_html)}`.toLowerCase();
    if (!haystack.includes(filter.text)) return false;
  }
  return true;
}
