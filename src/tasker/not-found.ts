import { GatewayError, isGatewayError } from '../errors/index.js';
import { isUuid } from './ids.js';

/**
 * One answer for "Tasker has no such thing" and "this call may not see it": an agent must not be
 * able to tell an item that exists outside its project scope from one that does not exist. The
 * answers echo only what the caller sent, never anything Tasker said about the object.
 */
export function workItemNotFound(ref: string): GatewayError {
  return new GatewayError('not_found', `Work item ${ref} does not exist or is not visible.`);
}

export function projectNotFound(ref: string): GatewayError {
  const spelled = isUuid(ref) ? ref.toLowerCase() : ref.toUpperCase();
  return new GatewayError('not_found', `Project ${spelled} does not exist or is not visible.`);
}

/** A lookup that found nothing, as null; any other failure stays a failure. */
export function nullWhenNotFound(err: unknown): null {
  if (isGatewayError(err) && err.code === 'not_found') return null;
  throw err;
}
