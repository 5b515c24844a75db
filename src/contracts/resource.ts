import type { DerivedResource, ResourceSpec } from './types.js';

const HUMAN_ID = /^([A-Za-z0-9_]{1,12})-([0-9]{1,9})$/;

/** Reads a JSON pointer (RFC 6901) out of a plain JSON value; undefined when any step is missing. */
export function readPointer(value: unknown, pointer: string): unknown {
  if (pointer === '') return value;
  let current = value;
  for (const raw of pointer.split('/').slice(1)) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, token)) return undefined;
    current = (current as Record<string, unknown>)[token];
  }
  return current;
}

function firstString(args: unknown, pointers: string[] | undefined): string | null {
  for (const pointer of pointers ?? []) {
    const found = readPointer(args, pointer);
    if (typeof found === 'string' && found.length > 0) return found;
  }
  return null;
}

/**
 * Derives the raw resource references of a call from its (already validated) arguments, as the
 * contract's `x-gateway.resource` says. A human id found where a project is expected yields its
 * identifier prefix, uppercased as Tasker stores it. The references are not resolved here: a
 * project may still be an identifier or a UUID.
 */
export function deriveResource(spec: ResourceSpec, args: unknown): DerivedResource {
  return {
    workspace: firstString(args, spec.workspace),
    project: projectOf(spec, args),
    work_item: firstString(args, spec.work_item),
  };
}

/**
 * The project a call names: the first project pointer with a value. A work item's UUID says
 * nothing about its project (only a human id carries one), so a pointer that also locates the
 * work item counts only when it holds a human id; taking the item's UUID for a project would have
 * the policy decide on a project that does not exist.
 */
function projectOf(spec: ResourceSpec, args: unknown): string | null {
  for (const pointer of spec.project ?? []) {
    const found = readPointer(args, pointer);
    if (typeof found !== 'string' || found.length === 0) continue;
    const humanId = HUMAN_ID.exec(found);
    if (humanId) return humanId[1]!.toUpperCase();
    if (spec.work_item?.includes(pointer)) continue;
    return canonicalProjectRef(found);
  }
  return null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A project reference in the one spelling the policy compares: identifiers uppercase (Tasker
 * stores and matches them so), UUIDs lowercase. Grants and approval constraints go through the
 * same function, so `pub` in a grant covers a call on `PUB`.
 */
export function canonicalProjectRef(ref: string): string {
  return UUID.test(ref) ? ref.toLowerCase() : ref.toUpperCase();
}
