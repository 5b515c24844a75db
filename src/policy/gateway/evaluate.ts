import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { SCHEMAS_DIR } from '../../paths.js';
import { PolicyUnavailableError } from '../engine/errors.js';
import type { PolicyEngine } from '../engine/engine.js';
import { DECISION_ENTRYPOINT, type Decision, type DecisionInput, VISIBLE_TOOLS_ENTRYPOINT } from './types.js';

function loadSchema(name: string): object {
  return JSON.parse(readFileSync(join(SCHEMAS_DIR, 'decision', name), 'utf8')) as object;
}

const ajv = new Ajv2020({ allErrors: false, strict: false });
const isDecision = ajv.compile<Decision>(loadSchema('output.json'));
const isToolList = ajv.compile<string[]>(loadSchema('visible-tools.json'));

/**
 * Evaluates `gateway/decision`. A policy that answers nothing or something outside the output
 * schema is a broken policy, and a broken policy fails closed.
 */
export function decide(engine: PolicyEngine, input: DecisionInput): Decision {
  const decision = engine.evaluate(DECISION_ENTRYPOINT, input);
  if (!isDecision(decision)) {
    throw new PolicyUnavailableError('invalid_result', `${DECISION_ENTRYPOINT} returned a value outside schemas/decision/output.json`);
  }
  return decision;
}

/** Evaluates `gateway/visible_tools`: the tool names `tools/list` may show this agent. */
export function visibleTools(engine: PolicyEngine, input: DecisionInput): string[] {
  const tools = engine.evaluate(VISIBLE_TOOLS_ENTRYPOINT, input) ?? [];
  if (!isToolList(tools)) {
    throw new PolicyUnavailableError('invalid_result', `${VISIBLE_TOOLS_ENTRYPOINT} returned a value outside schemas/decision/visible-tools.json`);
  }
  return tools;
}
