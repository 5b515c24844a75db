import type { Actor } from '../audit/index.js';

/** Who is acting and on which request: passed to every service call that changes state. */
export interface ActingContext {
  actor: Actor;
  requestId?: string;
  address?: string;
}
