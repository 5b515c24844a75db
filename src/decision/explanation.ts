import type { ContractRegistry } from '../contracts/index.js';
import type { Logger } from '../log/index.js';
import { gatewayPolicyData } from '../policy/gateway/index.js';
import { explainDecision, type MatchedRule } from '../policy/topdown/index.js';
import { policyCatalogue } from './catalogue.js';
import type { Assessment, ToolCall } from './types.js';

export type { MatchedRule };

export interface ExplanationDeps {
  registry: ContractRegistry;
  logger: Logger;
  /** The pipeline's own side-effect-free assessment. */
  assess(call: ToolCall): Promise<Assessment>;
}

/** What a real call would get, and the policy rules that decided it. */
export interface Explanation {
  assessment: Assessment;
  matchedRules: MatchedRule[];
}

/**
 * The policy rules that decided (rule, file, line), from the TypeScript evaluator running the same
 * policy on the same input and data. Informational: an explanation that cannot be made is empty.
 */
async function matchedRules(deps: ExplanationDeps, a: Assessment): Promise<MatchedRule[]> {
  if (!a.input) return [];
  try {
    return await explainDecision(a.input, { data: gatewayPolicyData(policyCatalogue(deps.registry)) });
  } catch (err) {
    deps.logger.info('explain: the rules that decided could not be traced', { error: err instanceof Error ? err.message : String(err) });
    return [];
  }
}

/**
 * Explain a call without acting or recording: the one step behind both the MCP `explain` tool and
 * the console's Explain page, so the two can never tell different stories.
 */
export async function explainCall(deps: ExplanationDeps, call: ToolCall): Promise<Explanation> {
  const assessment = await deps.assess(call);
  return { assessment, matchedRules: await matchedRules(deps, assessment) };
}
