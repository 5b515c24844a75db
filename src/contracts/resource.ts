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
  const project = firstString(args, spec.project);
  const humanId = project === null ? null : HUMAN_ID.exec(project);
  return {
    workspace: firstString(args, spec.workspace),
    project: humanId ? humanId[1]!.toUpperCase() : project === null ? null : normaliseProjectRef(project),
    work_item: firstString(args, spec.work_item),
  };
}

/** Identifiers are stored uppercase; UUIDs are compared lowercase. */
function normaliseProjectRef(ref: string): string {
  return ref.length === 36 ? ref.toLowerCase() : ref.toUpperCase();
}
