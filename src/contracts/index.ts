/** Tool contracts: the registry of `schemas/tools/*.json`, argument and result validation, resource derivation. */
export { ContractRegistry, ContractError, TOOL_CONTRACTS_DIR, type ValidationResult } from './registry.js';
export { canonicalProjectRef, deriveResource, readPointer } from './resource.js';
export { toFieldErrors } from './field-errors.js';
export { ARGUMENT_LIMITS, argumentProblem, unstorableText, type ArgumentLimits } from './argument-limits.js';
export type {
  ToolContract,
  ToolKind,
  ToolHandler,
  ToolAnnotations,
  GatewayExtension,
  ResourceSpec,
  RestMethod,
  JsonSchema,
  DerivedResource,
  ToolCatalogueEntry,
  McpToolDefinition,
} from './types.js';
