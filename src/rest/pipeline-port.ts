import type { AuthenticatedAgent } from '../identity/index.js';

/**
 * What a front door needs of the decision pipeline (src/decision's RequestPipeline fits it):
 * a tool call and the tools an agent may see. Failures are thrown as GatewayError.
 */
export interface ToolCallRequest {
  auth: AuthenticatedAgent;
  tool: string;
  args: unknown;
  transport: 'mcp' | 'rest';
  requestId: string;
  idempotencyKey?: string;
  address?: string;
}

export type ToolCallOutcome =
  | { status: 'ok'; decisionId: string; result: unknown }
  | { status: 'approval_pending'; decisionId: string; actionId: string; expiresAt: string };

export interface ToolPipeline {
  callTool(request: ToolCallRequest): Promise<ToolCallOutcome>;
  visibleTools(auth: AuthenticatedAgent): Promise<Array<{ name: string }>>;
}
