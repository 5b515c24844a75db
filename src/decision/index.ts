/**
 * The decision stage: the one request pipeline of both front doors (contract, arguments, resource,
 * grants and usage, policy, audit, then deny / park for approval / mediator), the gateway's own
 * tools (whoami, explain, get_action_status), the decision log, and the gateway extension that
 * wires it with approvals and metrics.
 */
export { RequestPipeline, type PipelineDeps, type PipelineOptions } from './pipeline.js';
export type { ToolCall, ToolCallResult, Transport, Verdict, Assessment, PolicyResource } from './types.js';
export { decisionExtension, type DecisionExtension, type DecisionExtensionOptions, type DecisionStage } from './extension.js';
export { DEFAULT_MASKED_POINTERS, MASK, maskArguments } from './masking.js';
export { policyCatalogue } from './catalogue.js';
export { explainCall, type Explanation, type ExplanationDeps, type MatchedRule } from './explanation.js';
export { argsDigest } from './recorder.js';
export { loadUsage, purgeUsageBuckets, type Usage } from './usage.js';
export { grantSentence } from './plain-words.js';
