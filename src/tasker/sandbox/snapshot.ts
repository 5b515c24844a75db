/**
 * Persistence: the whole store as one JSON file, loaded at start and written write-through. A write
 * request is answered only once a snapshot holding its change is on disk (temporary file, fsync,
 * rename, fsync of the directory), so a change the client saw answered survives a crash (SIGKILL,
 * power loss) as well as a clean stop. Requests that change data at the same time share one write
 * (a group commit): the cost is one file write per burst, fine for a sandbox's size and its
 * 60-requests-a-minute throttle. A crash mid-write leaves the previous snapshot intact.
 */
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { SandboxData } from './model.js';
import type { SandboxStore } from './store.js';

export function loadSnapshot(path: string): SandboxData | undefined {
  if (!existsSync(path)) return undefined;
  const data = JSON.parse(readFileSync(path, 'utf8')) as SandboxData;
  if (data.version !== 1 || !data.workspace || !Array.isArray(data.workItems)) {
    throw new Error(`tasker sandbox: ${path} is not a sandbox snapshot (version 1)`);
  }
  return data;
}

/** Temporary files a killed process left next to the snapshot (never renamed into place). */
export function removeStaleTemporaries(path: string): void {
  const dir = dirname(path);
  if (!existsSync(dir)) return;
  const prefix = `${basename(path)}.`;
  for (const name of readdirSync(dir)) {
    if (name.startsWith(prefix) && name.endsWith('.tmp')) rmSync(join(dir, name), { force: true });
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Replaces `path` atomically with `text`, durable once resolved. */
async function writeDurably(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
  await syncDirectory(dirname(path));
}

export class SnapshotWriter {
  private dirty = false;
  /** The last write started (resolved when it is on disk). */
  private writing: Promise<void> = Promise.resolve();
  /** The next write, queued behind `writing` and not yet started: later changes join it. */
  private queued: Promise<void> | undefined;
  private readonly interval: NodeJS.Timeout;

  constructor(
    private readonly path: string,
    private readonly store: SandboxStore,
    intervalMs: number,
  ) {
    // A backstop for changes no request waits for (none today); requests call `persist()` themselves.
    this.interval = setInterval(() => void this.persist().catch(() => undefined), intervalMs);
    this.interval.unref();
    store.onChange(() => {
      this.dirty = true;
    });
  }

  /**
   * Resolves once every change made so far is on disk. The data is captured when the queued write
   * starts, so a change made before that joins it and a change made after queues the next one.
   */
  persist(): Promise<void> {
    if (!this.dirty) return this.writing;
    if (this.queued) return this.queued;
    const next = this.writing.catch(() => undefined).then(() => {
      this.queued = undefined;
      this.dirty = false;
      return writeDurably(this.path, JSON.stringify(this.store.data, null, 1));
    });
    this.queued = next;
    this.writing = next;
    return next;
  }

  /** Writes unconditionally (the first save and the save at close). */
  async save(): Promise<void> {
    this.dirty = true;
    await this.persist();
  }

  async close(): Promise<void> {
    clearInterval(this.interval);
    await this.save();
  }
}
