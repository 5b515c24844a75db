import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { GatewayError, type FieldError } from '../errors/index.js';
import { SCHEMAS_DIR } from '../paths.js';
import { createToolSchemaAjv } from './ajv.js';
import { checkContractConsistency } from './contract-checks.js';
import { toFieldErrors } from './field-errors.js';
import { TOOL_CONTRACT_META_SCHEMA } from './meta-schema.js';
import { deriveResource } from './resource.js';
import type { DerivedResource, McpToolDefinition, ToolCatalogueEntry, ToolContract } from './types.js';

export const TOOL_CONTRACTS_DIR = join(SCHEMAS_DIR, 'tools');

/** A contract file that cannot be served; the registry refuses to start and names the file. */
export class ContractError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`invalid tool contract ${file}: ${problems.join('; ')}`);
    this.name = 'ContractError';
  }
}

interface CompiledContract {
  contract: ToolContract;
  validateInput: ValidateFunction;
  validateOutput: ValidateFunction;
}

/** The outcome of a validation: the failing fields as JSON pointers, empty when valid. */
export type ValidationResult = { ok: true } | { ok: false; fields: FieldError[] };

/**
 * Every tool contract, loaded and compiled once at start. Lookups and validations afterwards are
 * plain map reads and precompiled ajv functions, so they cost nothing on the request path.
 */
export class ContractRegistry {
  private constructor(private readonly contracts: ReadonlyMap<string, CompiledContract>) {}

  /** Loads every `*.json` file of `dir`; throws ContractError naming the first invalid file. */
  static load(dir: string = TOOL_CONTRACTS_DIR): ContractRegistry {
    const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
    if (files.length === 0) throw new ContractError(dir, ['no tool contracts found']);
    const ajv = createToolSchemaAjv();
    const checkShape = createToolSchemaAjv().compile(TOOL_CONTRACT_META_SCHEMA);
    const contracts = new Map<string, CompiledContract>();
    for (const file of files) {
      const compiled = compileContractFile(join(dir, file), ajv, checkShape);
      if (contracts.has(compiled.contract.name)) throw new ContractError(file, [`duplicate tool name ${compiled.contract.name}`]);
      contracts.set(compiled.contract.name, compiled);
    }
    return new ContractRegistry(contracts);
  }

  /** Tool names in a stable (alphabetical) order. */
  names(): string[] {
    return [...this.contracts.keys()];
  }

  list(): ToolContract[] {
    return [...this.contracts.values()].map((c) => c.contract);
  }

  has(tool: string): boolean {
    return this.contracts.has(tool);
  }

  /** The contract of a tool; an unknown tool is a `not_found` GatewayError (callers fail closed). */
  get(tool: string): ToolContract {
    return this.compiled(tool).contract;
  }

  validateArguments(tool: string, args: unknown): ValidationResult {
    return runValidator(this.compiled(tool).validateInput, args);
  }

  /** Like validateArguments, but throws `validation_failed` with the failing fields. */
  assertArguments(tool: string, args: unknown): void {
    const result = this.validateArguments(tool, args);
    if (!result.ok) throw new GatewayError('validation_failed', `The arguments of ${tool} are invalid.`, { fields: result.fields });
  }

  validateResult(tool: string, result: unknown): ValidationResult {
    return runValidator(this.compiled(tool).validateOutput, result);
  }

  /** The tool catalogue as static policy data: each tool's kind, handler and REST route. */
  catalogue(): Record<string, ToolCatalogueEntry> {
    return Object.fromEntries(
      this.list().map((c) => [c.name, { kind: c['x-gateway'].kind, handler: c['x-gateway'].handler, rest: c['x-gateway'].rest, annotations: c.annotations }]),
    );
  }

  /** What MCP `tools/list` serves for a tool: the contract without the gateway's extension and examples. */
  mcpTool(tool: string): McpToolDefinition {
    const { name, title, description, inputSchema, outputSchema, annotations } = this.get(tool);
    return { name, title, description, inputSchema, outputSchema, annotations };
  }

  /** The raw workspace/project/work-item references of a call (see resource.ts). */
  deriveResource(tool: string, args: unknown): DerivedResource {
    return deriveResource(this.compiled(tool).contract['x-gateway'].resource, args);
  }

  private compiled(tool: string): CompiledContract {
    const found = this.contracts.get(tool);
    if (!found) throw new GatewayError('not_found', `Unknown tool: ${tool}.`, { context: { tool } });
    return found;
  }
}

function runValidator(validate: ValidateFunction, value: unknown): ValidationResult {
  if (validate(value)) return { ok: true };
  return { ok: false, fields: toFieldErrors(validate.errors) };
}

function compileContractFile(path: string, ajv: ReturnType<typeof createToolSchemaAjv>, checkShape: ValidateFunction): CompiledContract {
  const file = basename(path);
  const contract = parseJson(path);
  if (!checkShape(contract)) {
    throw new ContractError(file, toFieldErrors(checkShape.errors).map((f) => `${f.pointer || '/'} ${f.message}`));
  }
  const typed = contract as ToolContract;
  const problems = checkContractConsistency(typed);
  if (`${typed.name}.json` !== file) problems.push(`file name must be ${typed.name}.json`);
  if (problems.length) throw new ContractError(file, problems);
  const validateInput = compileSchema(ajv, typed.inputSchema, file, 'inputSchema');
  const validateOutput = compileSchema(ajv, typed.outputSchema, file, 'outputSchema');
  typed.examples.forEach((example, i) => {
    if (!validateInput(example)) {
      const fields = toFieldErrors(validateInput.errors).map((f) => `${f.pointer || '/'} ${f.message}`);
      throw new ContractError(file, [`examples/${i} does not match inputSchema: ${fields.join(', ')}`]);
    }
  });
  return { contract: typed, validateInput, validateOutput };
}

function parseJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ContractError(basename(path), [`not readable JSON: ${(err as Error).message}`]);
  }
}

function compileSchema(ajv: ReturnType<typeof createToolSchemaAjv>, schema: object, file: string, which: string): ValidateFunction {
  try {
    return ajv.compile(schema);
  } catch (err) {
    throw new ContractError(file, [`${which} does not compile in strict mode: ${(err as Error).message}`]);
  }
}
