/**
 * Optional persistence: the whole store as one JSON file, loaded at start, written atomically
 * (temporary file + rename) a moment after a change, on an interval backstop and at close.
 */
import { existsSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
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

export class SnapshotWriter {
  private dirty = false;
  private writing: Promise<void> = Promise.resolve();
  private readonly interval: NodeJS.Timeout;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly path: string,
    private readonly store: SandboxStore,
    intervalMs: number,
  ) {
    this.interval = setInterval(() => void this.flushIfDirty(), intervalMs);
    this.interval.unref();
    store.onChange(() => this.markDirty());
  }

  private markDirty(): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flushIfDirty();
    }, 50);
    this.timer.unref();
  }

  private flushIfDirty(): Promise<void> {
    if (!this.dirty) return this.writing;
    this.dirty = false;
    const text = JSON.stringify(this.store.data, null, 1);
    this.writing = this.writing.then(() => this.write(text));
    return this.writing;
  }

  private async write(text: string): Promise<void> {
    const tmp = `${this.path}.${process.pid}.tmp`;
    await writeFile(tmp, text, { mode: 0o600 });
    await rename(tmp, this.path);
  }

  /** Writes unconditionally (the first save and the save at close). */
  async save(): Promise<void> {
    this.dirty = true;
    await this.flushIfDirty();
  }

  async close(): Promise<void> {
    clearInterval(this.interval);
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.save();
  }
}
