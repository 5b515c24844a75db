import { AsyncLocalStorage } from 'node:async_hooks';
import { isUuid } from './ids.js';

/**
 * The projects a tool operation may touch, as the decision's `project_scope` obligation names them
 * (policies/gateway/scope.rego): project identifiers or UUIDs, or '*' for every project. A key
 * naming a project that no longer exists matches nothing.
 */
export type ProjectScope = '*' | readonly string[];

/** Just enough of a project (or of a work item, or a search hit) to place it. */
export interface ProjectPlace {
  id: string;
  identifier: string;
}

interface ScopeKeys {
  ids: ReadonlySet<string>;
  identifiers: ReadonlySet<string>;
}

/**
 * The scope of the operation running now. It travels with the async context rather than as an
 * argument because every helper that resolves a project or a work item must honour it (the read
 * operations and the write operations alike, and the ones still to be written), and a scope that
 * each caller had to remember to pass along would be forgotten somewhere. `undefined`: unconfined.
 */
const active = new AsyncLocalStorage<ScopeKeys | undefined>();

function keysOf(scope: readonly string[]): ScopeKeys {
  const ids = new Set<string>();
  const identifiers = new Set<string>();
  for (const key of scope) {
    if (isUuid(key)) ids.add(key.toLowerCase());
    else identifiers.add(key.toUpperCase());
  }
  return { ids, identifiers };
}

/** Runs `run` confined to `scope`: whatever it resolves outside the scope does not exist for it. */
export function confine<T>(scope: ProjectScope, run: () => Promise<T>): Promise<T> {
  return active.run(scope === '*' ? undefined : keysOf(scope), run);
}

/**
 * Whether the running operation may touch this project. Outside `confine` (the adapter used
 * directly by the gateway itself, e.g. to read back a write already decided) everything is in scope;
 * every agent call runs confined (runToolOperation requires a scope).
 */
export function inScope(place: ProjectPlace): boolean {
  const keys = active.getStore();
  if (!keys) return true;
  return keys.ids.has(place.id.toLowerCase()) || keys.identifiers.has(place.identifier.toUpperCase());
}

/** True when the running operation may touch only some projects (searches must then go project by project). */
export function isConfined(): boolean {
  return active.getStore() !== undefined;
}
