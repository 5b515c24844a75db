import type { ErrorObject } from 'ajv';
import type { FieldError } from '../errors/index.js';

/**
 * Turns ajv's errors into one message per failing field, located by a JSON pointer into the
 * arguments (`/priority`, `/labels/2`, or `` for the object as a whole).
 *
 * Ajv reports an anyOf/oneOf failure once for the combinator and once per branch; the branch
 * errors only restate why each alternative did not fit, so they are folded into one message for
 * the combinator. `if` errors are dropped: the failing `then` already names the missing field.
 */
export function toFieldErrors(errors: readonly ErrorObject[] | null | undefined): FieldError[] {
  if (!errors?.length) return [];
  const combinators = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const insideCombinator = (e: ErrorObject) => combinators.some((c) => c !== e && e.schemaPath.startsWith(c.schemaPath + '/'));
  const byPointer = new Map<string, string>();
  for (const error of errors) {
    if (error.keyword === 'if' || insideCombinator(error)) continue;
    const pointer = pointerOf(error);
    if (!byPointer.has(pointer)) byPointer.set(pointer, messageOf(error));
  }
  return [...byPointer].map(([pointer, message]) => ({ pointer, message }));
}

function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function pointerOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') return `${error.instancePath}/${escapePointerToken(String(params.missingProperty))}`;
  if (error.keyword === 'additionalProperties') return `${error.instancePath}/${escapePointerToken(String(params.additionalProperty))}`;
  return error.instancePath;
}

function messageOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not an accepted argument';
    case 'enum':
      return `must be one of: ${(params.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'anyOf':
    case 'oneOf':
      return combinatorMessage(error);
    default:
      return error.message ?? 'is invalid';
  }
}

/** Explains the two combinator uses in the contracts: "one of these fields" and "value or null". */
function combinatorMessage(error: ErrorObject): string {
  const branches = Array.isArray(error.schema) ? (error.schema as Record<string, unknown>[]) : [];
  const requiredNames = branches.flatMap((b) => (Array.isArray(b.required) && Object.keys(b).length === 1 ? (b.required as string[]) : []));
  if (requiredNames.length === branches.length && branches.length > 0) {
    const quantity = error.keyword === 'oneOf' ? 'exactly one' : 'at least one';
    return `must include ${quantity} of: ${requiredNames.join(', ')}`;
  }
  const described = branches.map(describeBranch).filter((d): d is string => d !== null);
  return described.length ? `must be ${described.join(' or ')}` : (error.message ?? 'is invalid');
}

function describeBranch(branch: Record<string, unknown>): string | null {
  if (branch.type === 'null') return 'null';
  if (typeof branch.format === 'string') return `a string in format ${branch.format}`;
  if (typeof branch.pattern === 'string') return `a string matching ${branch.pattern}`;
  if (branch.$ref) return 'an object of the documented shape';
  if (typeof branch.type === 'string') return `of type ${branch.type}`;
  return null;
}
