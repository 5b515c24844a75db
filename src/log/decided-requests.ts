/**
 * The requests whose decision line was written (src/decision/decision-log.ts). A tool call's
 * decision line names its request id, transport, status and latency, so the request line of the
 * same request would only repeat it: the request logger (src/http/request-context.ts) writes that
 * one at `debug` instead. Entries go when their request finishes; the bound keeps calls made
 * without an HTTP request (tests, internal callers) from piling up.
 */
const MAX_ENTRIES = 4_096;
const decided = new Set<string>();

export function markDecided(requestId: string): void {
  if (decided.size >= MAX_ENTRIES) decided.delete(decided.values().next().value as string);
  decided.add(requestId);
}

/** Whether the request's decision line was written; forgets it either way. */
export function takeDecided(requestId: string): boolean {
  return decided.delete(requestId);
}
