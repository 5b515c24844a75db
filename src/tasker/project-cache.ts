import type { Project } from './types.js';

interface Entry {
  project: Project;
  at: number;
}

/**
 * project id <-> identifier. Work items do not carry their project's identifier, so every human
 * id is built from this cache; entries expire so a renamed identifier is picked up.
 */
export class ProjectCache {
  private readonly byId = new Map<string, Entry>();
  private readonly byIdentifier = new Map<string, Entry>();
  private listed: { projects: Project[]; at: number } | null = null;

  constructor(private readonly ttlMs: number) {}

  put(project: Project, now: number = Date.now()): void {
    const entry = { project, at: now };
    this.byId.set(project.id.toLowerCase(), entry);
    this.byIdentifier.set(project.identifier.toUpperCase(), entry);
  }

  /** The whole project list, as Tasker just answered it. */
  putAll(projects: Project[]): void {
    const now = Date.now();
    for (const project of projects) this.put(project, now);
    this.listed = { projects, at: now };
  }

  /** The whole project list while it is fresh. */
  all(): Project[] | undefined {
    return this.listed && Date.now() - this.listed.at < this.ttlMs ? this.listed.projects : undefined;
  }

  byProjectId(id: string): Project | undefined {
    return this.fresh(this.byId.get(id.toLowerCase()));
  }

  byProjectIdentifier(identifier: string): Project | undefined {
    return this.fresh(this.byIdentifier.get(identifier.toUpperCase()));
  }

  private fresh(entry: Entry | undefined): Project | undefined {
    return entry && Date.now() - entry.at < this.ttlMs ? entry.project : undefined;
  }
}
