import { parseHumanId } from './ids.js';
import type { PlaneObject } from './mapping.js';
import type { Label, Member, State } from './types.js';
import type { WorkItemPlace } from './work-item-locator.js';

/**
 * Plane answers a work item's create and PATCH with the item itself, but with ids where a read
 * with `expand` has objects. Filling those in from the project's cached states, labels and members
 * turns the answer into the tool's result without reading the item back (one request instead of
 * two). Whatever the caches do not know is reported, so the caller can refresh exactly that.
 */
export interface References {
  states: State[];
  labels: Label[];
  members: Member[];
  /** A work item the gateway knows, by UUID (the parent). */
  place(id: string): WorkItemPlace | undefined;
}

export type ReferenceKind = 'states' | 'labels' | 'members' | 'parent';

export type Expansion = { expanded: PlaneObject; missing?: undefined } | { expanded?: undefined; missing: Set<ReferenceKind> };

const ids = (value: unknown): string[] | null => (Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : null);

export function expandWriteAnswer(raw: PlaneObject, refs: References): Expansion {
  const missing = new Set<ReferenceKind>();
  const expanded: PlaneObject = { ...raw };
  if (typeof raw.state === 'string') {
    const state = refs.states.find((s) => s.id === raw.state);
    if (state) expanded.state = { id: state.id, name: state.name, group: state.group };
    else missing.add('states');
  }
  const labelIds = ids(raw.labels);
  if (labelIds) {
    const labels = labelIds.map((id) => refs.labels.find((l) => l.id === id));
    if (labels.every(Boolean)) expanded.labels = labels.map((l) => ({ id: l!.id, name: l!.name }));
    else missing.add('labels');
  }
  const assigneeIds = ids(raw.assignees);
  if (assigneeIds) {
    const members = assigneeIds.map((id) => refs.members.find((m) => m.id === id));
    if (members.every(Boolean)) expanded.assignees = members.map((m) => ({ ...m! }));
    else missing.add('members');
  }
  if (typeof raw.parent === 'string') {
    const parent = refs.place(raw.parent);
    const sequence = parent ? parseHumanId(parent.human_id)?.sequence : undefined;
    if (parent && sequence !== undefined) expanded.parent = { id: parent.id, sequence_id: sequence, project_id: parent.project_id };
    else missing.add('parent');
  }
  return missing.size ? { missing } : { expanded };
}
