import { GatewayError } from '../errors/index.js';

/**
 * Every value that becomes part of a Tasker URL passes through here first. A value that is not a
 * UUID, a project identifier or a human id never reaches a path, so no argument can steer a call
 * to another endpoint.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const IDENTIFIER = /^[A-Za-z0-9_]{1,12}$/;
const HUMAN_ID = /^([A-Za-z0-9_]{1,12})-([0-9]{1,9})$/;

export interface HumanId {
  identifier: string;
  sequence: number;
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export function isProjectIdentifier(value: string): boolean {
  return IDENTIFIER.test(value);
}

export function parseHumanId(value: string): HumanId | null {
  const match = HUMAN_ID.exec(value);
  if (!match) return null;
  const sequence = Number(match[2]);
  return sequence >= 1 ? { identifier: match[1]!.toUpperCase(), sequence } : null;
}

export function formatHumanId(identifier: string, sequence: number): string {
  return `${identifier}-${sequence}`;
}

function invalid(pointer: string, message: string): GatewayError {
  return new GatewayError('validation_failed', message, { fields: [{ pointer, message }] });
}

/** A lowercase UUID for a path, or a validation error located at `pointer`. */
export function uuidSegment(value: string, pointer: string): string {
  if (!isUuid(value)) throw invalid(pointer, 'must be a UUID');
  return value.toLowerCase();
}

export function identifierSegment(value: string, pointer: string): string {
  if (!isProjectIdentifier(value)) throw invalid(pointer, 'must be a project identifier (letters, digits, underscore; at most 12)');
  return value.toUpperCase();
}

export function humanIdSegment(value: HumanId, pointer: string): string {
  return `${identifierSegment(value.identifier, pointer)}-${Math.trunc(value.sequence)}`;
}
