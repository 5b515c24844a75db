/**
 * The rules that decided a gateway decision, for the `explain` tool and the console's Explain
 * page: the gateway policy evaluated by the TypeScript evaluator on the same input, and every rule
 * that produced a value on the way, with its file and line.
 */
import { POLICIES_DIR } from '../../paths.js';
import { readPolicySources } from '../build/sources.js';
import type { SourceFile } from '../compiler/index.js';
import { fromJs } from './json.js';
import { preparePolicy, type PreparedPolicy } from './program.js';
import type { TraceEvent } from './interpreter.js';
import { Obj } from './value.js';

export interface MatchedRule {
  rule: string;
  file: string;
  line: number;
}

const ENTRYPOINT = 'gateway/decision';

/** An explainer over fixed sources: input -> the rules that fired, in first-fired order. */
export function decisionExplainer(files: SourceFile[], entrypoint = ENTRYPOINT): (input: unknown, data?: unknown) => MatchedRule[] {
  const prepared: PreparedPolicy = preparePolicy(files, { entrypoints: [entrypoint] });
  return (input, data) => {
    const fired = new Map<string, MatchedRule>();
    const tracer = {
      event(e: TraceEvent): void {
        if (e.op !== 'exit') return;
        const key = `${e.name}@${e.loc.file}:${e.loc.line}`;
        if (!fired.has(key)) fired.set(key, { rule: e.name, file: e.loc.file, line: e.loc.line });
      },
    };
    prepared.interpreter.evaluate(entrypoint, fromJs(input), fromJs(data ?? {}) ?? new Obj(), { tracer });
    return [...fired.values()];
  };
}

let cached: { dir: string; explain: Promise<(input: unknown, data?: unknown) => MatchedRule[]> } | undefined;

/**
 * The rules that decided `gateway/decision` for this input (and policy data), from the policies in
 * `policiesDir` (read and planned once per process and directory).
 */
export async function explainDecision(input: unknown, options: { data?: unknown; policiesDir?: string } = {}): Promise<MatchedRule[]> {
  const dir = options.policiesDir ?? POLICIES_DIR;
  if (!cached || cached.dir !== dir) {
    const explain = readPolicySources(dir).then((files) => decisionExplainer(files));
    // A failed read or plan is not kept: the next call tries again (the policies may be fixed by then).
    explain.catch(() => { if (cached?.explain === explain) cached = undefined; });
    cached = { dir, explain };
  }
  return (await cached.explain)(input, options.data);
}
