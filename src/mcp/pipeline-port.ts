import type { DecisionStage, RequestPipeline, ToolCall, ToolCallResult } from '../decision/index.js';

/** What a front door needs of the decision pipeline: a tool call and the tools an agent may see. */
export type ToolPipeline = Pick<RequestPipeline, 'callTool' | 'visibleTools'>;
export type ToolCallRequest = ToolCall;
export type ToolCallOutcome = ToolCallResult;

/** The parts of the decision stage a front door uses; read at setup, after the decision stage is up. */
export type FrontDoorStage = Pick<DecisionStage, 'metrics'> & { pipeline: ToolPipeline };
