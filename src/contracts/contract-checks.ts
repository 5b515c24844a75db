import type { JsonSchema, ToolContract } from './types.js';

/**
 * Checks that span several fields of a contract, which the meta-schema cannot express.
 * Returns human-readable problems; an empty list means the contract is consistent.
 */
export function checkContractConsistency(contract: ToolContract): string[] {
  return [
    ...checkAnnotationsMatchKind(contract),
    ...checkWritesTakeIdempotencyKey(contract),
    ...checkRestPlaceholdersAreArguments(contract),
    ...checkResourcePointersAreArguments(contract),
    ...checkRequiredNamesAreArguments(contract),
    ...checkObjectsAreClosed(contract.inputSchema, '/inputSchema'),
    ...checkObjectsAreClosed(contract.outputSchema, '/outputSchema'),
  ];
}

function inputProperties(contract: ToolContract): Record<string, unknown> {
  return (contract.inputSchema.properties ?? {}) as Record<string, unknown>;
}

function checkAnnotationsMatchKind(contract: ToolContract): string[] {
  const { kind } = contract['x-gateway'];
  const { readOnlyHint, destructiveHint } = contract.annotations;
  const expected = { read: [true, false], write: [false, false], destructive: [false, true] }[kind];
  if (readOnlyHint === expected[0] && destructiveHint === expected[1]) return [];
  return [`annotations readOnlyHint=${readOnlyHint} destructiveHint=${destructiveHint} contradict kind '${kind}'`];
}

function checkWritesTakeIdempotencyKey(contract: ToolContract): string[] {
  if (contract['x-gateway'].kind === 'read') return [];
  if ('idempotency_key' in inputProperties(contract)) return [];
  return [`a ${contract['x-gateway'].kind} tool must accept an optional idempotency_key argument`];
}

function checkRestPlaceholdersAreArguments(contract: ToolContract): string[] {
  const properties = inputProperties(contract);
  const placeholders = [...contract['x-gateway'].rest.path.matchAll(/\{([a-z0-9_]+)\}/g)].map((m) => m[1]!);
  return placeholders
    .filter((name) => !(name in properties))
    .map((name) => `REST path placeholder {${name}} is not an argument of the tool`);
}

function checkResourcePointersAreArguments(contract: ToolContract): string[] {
  const properties = inputProperties(contract);
  const problems: string[] = [];
  for (const [part, pointers] of Object.entries(contract['x-gateway'].resource)) {
    for (const pointer of pointers ?? []) {
      const top = pointer.split('/')[1] ?? '';
      if (!(top in properties)) problems.push(`resource.${part} pointer ${pointer} names no argument`);
    }
  }
  return problems;
}

/** The root's `required`, and those of its anyOf/oneOf/then branches, must name declared arguments. */
function checkRequiredNamesAreArguments(contract: ToolContract): string[] {
  const properties = inputProperties(contract);
  const root = contract.inputSchema;
  const branches = [root, root.then, ...asArray(root.anyOf), ...asArray(root.oneOf)] as (JsonSchema | undefined)[];
  const names = branches.flatMap((b) => (Array.isArray(b?.required) ? (b.required as string[]) : []));
  return [...new Set(names)].filter((n) => !(n in properties)).map((n) => `required argument ${n} is not declared in inputSchema.properties`);
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * Strict contracts: every object schema that lists properties must also forbid unknown ones.
 * `if` and `not` hold conditions, not shapes, so they are exempt.
 */
const NOT_SHAPES = new Set(['if', 'not', 'examples', 'default', 'const', 'enum']);

function checkObjectsAreClosed(schema: unknown, at: string): string[] {
  if (Array.isArray(schema)) return schema.flatMap((item, i) => checkObjectsAreClosed(item, `${at}/${i}`));
  if (!schema || typeof schema !== 'object') return [];
  const node = schema as JsonSchema;
  const own = 'properties' in node && node.additionalProperties !== false ? [`${at} lists properties but allows additional ones`] : [];
  const nested = Object.entries(node)
    .filter(([key]) => !NOT_SHAPES.has(key))
    .flatMap(([key, value]) => checkObjectsAreClosed(value, `${at}/${key}`));
  return [...own, ...nested];
}
