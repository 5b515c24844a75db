/** The typed shape of one tool contract file in `schemas/tools/` (see meta-schema.ts for its JSON Schema). */

export type ToolKind = 'read' | 'write' | 'destructive';
export type ToolHandler = 'tasker' | 'gateway';
export type RestMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** MCP tool annotations, as served in `tools/list`. */
export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: false;
}

/**
 * Where the resource of a call comes from: for each part, JSON pointers into the arguments, tried
 * in order; the first present value wins. A work-item human id (`PROJ-12`) found under `project`
 * contributes its identifier prefix (`PROJ`). An absent `workspace` means the configured workspace.
 */
export interface ResourceSpec {
  workspace?: string[];
  project?: string[];
  work_item?: string[];
}

/** The gateway's own extension of a tool contract. */
export interface GatewayExtension {
  kind: ToolKind;
  /** `tasker`: the mediator runs adapter operation `operation`; `gateway`: the front door answers itself. */
  handler: ToolHandler;
  /** REST route under `/api/v1`; `{name}` placeholders name top-level arguments. */
  /** `success_status`: the REST status of a successful call, 201 for tools that create; 200 when absent. */
  rest: { method: RestMethod; path: string; success_status?: 200 | 201 };
  resource: ResourceSpec;
  operation: string;
}

/** A JSON Schema object (2020-12). Kept loose on purpose: ajv is the authority on its content. */
export type JsonSchema = Record<string, unknown>;

export interface ToolContract {
  name: string;
  title: string;
  description: string;
  annotations: ToolAnnotations;
  inputSchema: JsonSchema;
  outputSchema: JsonSchema;
  /** Valid argument sets, checked against `inputSchema` at load. */
  examples: Record<string, unknown>[];
  'x-gateway': GatewayExtension;
}

/** The resource a call touches, as derived from its arguments (raw references, not yet resolved). */
export interface DerivedResource {
  /** Null means "the configured workspace". */
  workspace: string | null;
  /** A project identifier (e.g. `PROJ`) or UUID, as the caller gave it. */
  project: string | null;
  /** A human id (`PROJ-12`) or UUID, as the caller gave it. */
  work_item: string | null;
}

/** One entry of the tool catalogue handed to the policy as static data. */
export interface ToolCatalogueEntry {
  kind: ToolKind;
  handler: ToolHandler;
  rest: GatewayExtension['rest'];
  annotations: ToolAnnotations;
}

/** A tool as MCP `tools/list` describes it. */
export type McpToolDefinition = Pick<ToolContract, 'name' | 'title' | 'description' | 'inputSchema' | 'outputSchema' | 'annotations'>;
