/**
 * The Tasker sandbox: a Plane-compatible API v1 server (TASKER_API.md section 10) for local trials
 * and tests. In memory, optionally persisted write-through to a JSON snapshot (see snapshot.ts);
 * faults can be injected at run time.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { hashApiKey } from './auth.js';
import { FaultController, type FaultPlan } from './faults.js';
import type { SandboxData } from './model.js';
import { allRoutes } from './routes/index.js';
import { SANDBOX_SEED, buildSeedData } from './seed.js';
import { createSandboxServer } from './server.js';
import { SnapshotWriter, loadSnapshot, removeStaleTemporaries } from './snapshot.js';
import { SandboxStore } from './store.js';
import { Throttle, parseRateLimit, type RateLimit } from './throttle.js';

export { SANDBOX_SEED, labelId as sandboxLabelId, seedId, stateId as sandboxStateId } from './seed.js';
export { FaultController, type FaultPlan, type FaultScope, type FaultStats, type InjectedStatus } from './faults.js';
export type { RateLimit } from './throttle.js';

/** Where `agent-gateway start` keeps the sandbox's data: `DATA_DIR/tasker-sandbox.json`. */
export function sandboxSnapshotPath(dataDir: string): string {
  return join(dataDir, 'tasker-sandbox.json');
}

export interface TaskerSandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** JSON snapshot: loaded at start when it exists, written (durably) before a change is answered, and at close. */
  snapshotPath?: string;
  /** Ignore an existing snapshot and start from the seed (the snapshot is overwritten). */
  reset?: boolean;
  /** Backstop interval of snapshot writes, default 1000 ms. */
  snapshotIntervalMs?: number;
  /** Per-key limit, `"N/period"` as Plane's `API_KEY_RATE_LIMIT` or an object; default `60/minute`. */
  rateLimit?: string | RateLimit;
  /** Largest accepted `per_page` (Plane: 1000; 100 for a strict mode); default 1000. */
  maxPerPage?: number;
  /** API keys to install for the seed users; random ones otherwise. Only hashes are kept. */
  apiKeys?: Partial<SandboxApiKeys>;
  /** Faults active from the start. */
  faults?: FaultPlan;
}

export interface SandboxApiKeys {
  /** Alice, workspace admin (20), admin of both projects. */
  admin: string;
  /** Bob, workspace member (15), member of the secret project OPS only. */
  member: string;
}

export interface TaskerSandbox {
  /** Base URL without `/api/v1`, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** The workspace slug. */
  workspace: string;
  /** Identifiers of the live projects it holds at start (`OPS`, `PUB` from the seed). */
  projects: string[];
  /** The snapshot it keeps its data in, if any. */
  snapshotPath?: string;
  /** True when the data came from an existing snapshot, false when it started from the seed. */
  restored: boolean;
  apiKeys: SandboxApiKeys;
  faults: FaultController;
  /** Changes the throttle at run time (resets its windows). */
  setRateLimit(limit: string | RateLimit): void;
  /** The live data, for tests that need to look behind the API. */
  data: SandboxData;
  close(): Promise<void>;
}

function newApiKey(): string {
  return `plane_api_sbx_${randomBytes(16).toString('hex')}`;
}

/** Replaces the key records of the two seed users; the plaintext keys live only in the caller. */
function installKeys(data: SandboxData, wanted: Partial<SandboxApiKeys> | undefined): SandboxApiKeys {
  const keys: SandboxApiKeys = { admin: wanted?.admin ?? newApiKey(), member: wanted?.member ?? newApiKey() };
  const record = (user: string, key: string, label: string) => ({ key_hash: hashApiKey(key), user, label, is_active: true, expired_at: null, last_used: null });
  const seedUsers = new Set<string>([SANDBOX_SEED.users.admin.id, SANDBOX_SEED.users.member.id]);
  data.apiKeys = [
    ...data.apiKeys.filter((k) => !seedUsers.has(k.user)),
    record(SANDBOX_SEED.users.admin.id, keys.admin, 'sandbox admin key'),
    record(SANDBOX_SEED.users.member.id, keys.member, 'sandbox member key'),
  ];
  return keys;
}

export async function startTaskerSandbox(options: TaskerSandboxOptions = {}): Promise<TaskerSandbox> {
  const path = options.snapshotPath;
  if (path) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    removeStaleTemporaries(path);
  }
  const restoredData = path && !options.reset ? loadSnapshot(path) : undefined;
  const data = restoredData ?? buildSeedData();
  const apiKeys = installKeys(data, options.apiKeys);
  const store = new SandboxStore(data);
  const writer = path ? new SnapshotWriter(path, store, options.snapshotIntervalMs ?? 1000) : undefined;
  await writer?.save();
  const faults = new FaultController();
  if (options.faults) faults.configure(options.faults);
  const throttle = new Throttle(parseRateLimit(options.rateLimit ?? '60/minute'));
  const server = createSandboxServer({
    routes: allRoutes(), store, throttle, faults, pages: { defaultPerPage: 100, maxPerPage: options.maxPerPage ?? 1000 },
    ...(writer ? { persist: () => writer.persist() } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closed = false;
  return {
    url: `http://${host}:${address.port}`,
    workspace: data.workspace.slug,
    projects: data.projects.filter((p) => p.deleted_at === null).map((p) => p.identifier),
    ...(path ? { snapshotPath: path } : {}),
    restored: restoredData !== undefined,
    apiKeys,
    faults,
    setRateLimit: (limit) => throttle.setLimit(parseRateLimit(limit)),
    data,
    async close() {
      if (closed) return;
      closed = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await writer?.close();
    },
  };
}
