import type { WorkItem } from './types.js';

/** Where a work item lives: what a call on it by human id needs before it can name Plane's paths. */
export interface WorkItemPlace {
  id: string;
  human_id: string;
  project_id: string;
  project_identifier: string;
}

/** Enough for any working set of an agent fleet; the oldest entries go first beyond it. */
const MAX_ENTRIES = 20_000;

interface Entry {
  place: WorkItemPlace;
  at: number;
}

/**
 * Human id <-> UUID and project of the work items the gateway has seen lately. Plane's paths for
 * an item's comments, links, activity and writes need its UUID and project, and its human-id
 * endpoint serves only the item itself, so without this every such call by human id would first
 * spend a request reading the item. The facts kept never change while the item lives (Plane does
 * not move items between projects, and sequence numbers are never reused); the short lifetime
 * bounds how long a renamed project identifier or an item deleted outside the gateway goes
 * unnoticed, and the gateway's own deletes drop their entry at once.
 */
export class WorkItemLocator {
  private readonly byHumanId = new Map<string, Entry>();
  private readonly byId = new Map<string, Entry>();

  constructor(private readonly ttlMs: number) {}

  remember(item: Pick<WorkItem, 'id' | 'human_id' | 'project_id' | 'project_identifier'>): void {
    const entry = { place: { id: item.id, human_id: item.human_id, project_id: item.project_id, project_identifier: item.project_identifier }, at: Date.now() };
    this.forget(item.id);
    this.byHumanId.set(item.human_id.toUpperCase(), entry);
    this.byId.set(item.id.toLowerCase(), entry);
    // Maps keep insertion order, and forget() above moved this entry to the end: the first is the oldest.
    while (this.byId.size > MAX_ENTRIES) this.forget(this.byId.keys().next().value!);
  }

  byHuman(humanId: string): WorkItemPlace | undefined {
    return this.fresh(this.byHumanId.get(humanId.toUpperCase()));
  }

  byUuid(id: string): WorkItemPlace | undefined {
    return this.fresh(this.byId.get(id.toLowerCase()));
  }

  forget(id: string): void {
    const entry = this.byId.get(id.toLowerCase());
    this.byId.delete(id.toLowerCase());
    if (entry) this.byHumanId.delete(entry.place.human_id.toUpperCase());
  }

  private fresh(entry: Entry | undefined): WorkItemPlace | undefined {
    return entry && Date.now() - entry.at < this.ttlMs ? entry.place : undefined;
  }
}
