/**
 * The in-memory store: the data plus the lookups and membership questions every route asks.
 * Writers call `touch()` so the snapshot writer knows there is something to save, and the server
 * (comparing `changes` around a handler) that the answer must wait until it is saved.
 */
import { randomUUID } from 'node:crypto';
import { ExternalIndex } from './external-index.js';
import type {
  Audit, Comment, External, Membership, Project, ProjectMembership, Role, SandboxData, State, User, WorkItem,
} from './model.js';

export class SandboxStore {
  private changeListener: () => void = () => {};
  /** How many times the data changed since start. */
  changes = 0;
  /** Comments by (project, external pair): Plane's uniqueness check on every create with a pair. */
  readonly commentPairs = new ExternalIndex<Comment>(() => this.data.comments);
  /** Work items by (project, external pair): the uniqueness check and the external-id lookup. */
  readonly workItemPairs = new ExternalIndex<WorkItem>(() => this.data.workItems);

  constructor(public data: SandboxData) {}

  onChange(listener: () => void): void {
    this.changeListener = listener;
  }

  /** Marks the data as changed (for the snapshot writer). */
  touch(): void {
    this.changes += 1;
    this.changeListener();
  }

  newId(): string {
    return randomUUID();
  }

  nowIso(): string {
    return new Date().toISOString();
  }

  audit(userId: string | null): Audit {
    const now = this.nowIso();
    return { created_at: now, updated_at: now, deleted_at: null, created_by: userId, updated_by: userId };
  }

  external(body: Record<string, unknown>): External {
    return {
      external_source: typeof body.external_source === 'string' ? body.external_source : null,
      external_id: typeof body.external_id === 'string' ? body.external_id : null,
    };
  }

  user(id: string | null | undefined): User | undefined {
    return id ? this.data.users.find((u) => u.id === id) : undefined;
  }

  workspaceMembership(userId: string): Membership | undefined {
    return this.data.workspaceMembers.find((m) => m.member === userId && m.is_active);
  }

  projectMembership(projectId: string, userId: string): ProjectMembership | undefined {
    return this.data.projectMembers.find((m) => m.project === projectId && m.member === userId && m.is_active);
  }

  project(id: string): Project | undefined {
    return this.data.projects.find((p) => p.id === id && p.deleted_at === null);
  }

  projectByIdentifier(identifier: string): Project | undefined {
    return this.data.projects.find((p) => p.identifier === identifier && p.deleted_at === null);
  }

  projectRole(projectId: string, userId: string): Role | undefined {
    return this.projectMembership(projectId, userId)?.role;
  }

  statesOf(projectId: string): State[] {
    return this.data.states.filter((s) => s.project === projectId && s.deleted_at === null);
  }

  state(projectId: string, id: string): State | undefined {
    return this.statesOf(projectId).find((s) => s.id === id);
  }

  /** A live work item of the project, whatever its visibility (archived, draft, triage). */
  workItem(projectId: string, id: string): WorkItem | undefined {
    return this.data.workItems.find((w) => w.id === id && w.project === projectId && w.deleted_at === null);
  }

  /** Plane's "active" work items: what lists and detail GETs show (section 7.5). */
  isActiveWorkItem(item: WorkItem): boolean {
    if (item.deleted_at !== null || item.archived_at !== null || item.is_draft) return false;
    const state = item.state ? this.state(item.project, item.state) : undefined;
    if (state?.group === 'triage') return false;
    return this.project(item.project)?.archived_at === null;
  }

  activeWorkItem(projectId: string, id: string): WorkItem | undefined {
    const item = this.workItem(projectId, id);
    return item && this.isActiveWorkItem(item) ? item : undefined;
  }

  activeWorkItemsOf(projectId: string): WorkItem[] {
    return this.data.workItems.filter((w) => w.project === projectId && this.isActiveWorkItem(w));
  }

  /** The next never-used sequence id of a project. */
  nextSequenceId(projectId: string): number {
    const used = this.data.workItems.filter((w) => w.project === projectId).map((w) => w.sequence_id);
    const next = Math.max(this.data.sequences[projectId] ?? 0, ...used, 0) + 1;
    this.data.sequences[projectId] = next;
    return next;
  }
}
