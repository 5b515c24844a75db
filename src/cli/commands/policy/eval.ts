import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { POLICIES_DIR } from '../../../paths.js';
import { captureQuery, evalOutput } from './eval-output.js';
import type { PolicySource } from '../../../policy/build/sources.js';
import type { Value } from '../../../policy/topdown/index.js';

export const EVAL_USAGE =
  '  agent-gateway policy eval [--policies PATH]... [--input FILE] [--data FILE] [--explain fails|full] ENTRYPOINT_OR_QUERY';

/** `gateway/decision` or `data.gateway.decision` name an entrypoint; anything else is a query. */
export function entrypointOf(target: string): string | undefined {
  if (/^[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*$/.test(target) && target.includes('/')) return target;
  const m = /^data((?:\.[A-Za-z_][A-Za-z0-9_]*)+)$/.exec(target);
  return m ? m[1]!.slice(1).split('.').join('/') : undefined;
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(resolve(path), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`${what} ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : 'cannot be read'}`, { cause: err });
  }
}

/**
 * The file's JSON as the evaluator's value, read from its text so that each number keeps its text
 * (input 1.0 stays 1.0, as `opa eval --input` reads it) instead of going through float64.
 */
async function readJson(path: string, what: string): Promise<Value> {
  const text = await readText(path, what);
  const { parseJson } = await import('../../../policy/topdown/index.js');
  try {
    return parseJson(text);
  } catch (err) {
    throw new Error(`${what} ${path} is not JSON: ${(err as Error).message}`);
  }
}

/** --policies names a folder (every .rego under it) or one .rego file, as `opa eval -d` takes both. */
async function readPolicies(path: string): Promise<PolicySource[]> {
  const { readPolicySources } = await import('../../../policy/build/sources.js');
  const full = resolve(path);
  let info;
  try {
    info = await stat(full);
  } catch (err) {
    throw new Error(`--policies ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : 'cannot be read'}`, { cause: err });
  }
  if (info.isDirectory()) return readPolicySources(full, { includeTests: true });
  return [{ path: basename(full), text: await readText(path, '--policies') }];
}

/** The query `opa eval` would be given: `gateway/decision` becomes `data.gateway.decision`. */
export function queryOf(target: string): string {
  const entrypoint = entrypointOf(target);
  return entrypoint && !target.startsWith('data.') ? `data.${entrypoint.split('/').join('.')}` : target;
}

/**
 * `opa eval` for the project's policies, evaluated by the TypeScript evaluator on the same plan the
 * module runs: the result in `opa eval`'s JSON shape (`{"result": [{"expressions": [...],
 * "bindings": {...}}]}`, `{}` when undefined; see eval-output.ts) and, with --explain, the trace
 * first (`fails`: the failures with the rules they happened in; `full`: every step).
 */
export async function runEvalCommand(args: string[], usage: (message: string) => number): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      policies: { type: 'string', multiple: true },
      input: { type: 'string' },
      data: { type: 'string' },
      explain: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) return usage('eval needs exactly one ENTRYPOINT_OR_QUERY');
  const explain = values.explain;
  if (explain !== undefined && explain !== 'fails' && explain !== 'full') return usage(`unknown --explain mode '${explain}'`);
  const topdown = await import('../../../policy/topdown/index.js');
  const { exactRows, stringifyExact } = await import('./exact-json.js');
  const sources = [];
  for (const path of values.policies ?? [POLICIES_DIR]) sources.push(...(await readPolicies(path)));
  const { query, expressions } = captureQuery(queryOf(positionals[0]!));
  const name = 'query';
  const prepared = topdown.preparePolicy(sources, { queries: [{ name, query }] });
  const input = values.input ? await readJson(values.input, '--input') : undefined;
  const data = values.data ? await readJson(values.data, '--data') : new topdown.Obj();
  const recorder = new topdown.TraceRecorder();
  let rows: Array<Record<string, unknown>> = [];
  let failed: string | undefined;
  try {
    rows = exactRows(prepared.interpreter.evaluate(name, input, data, explain ? { tracer: recorder } : {}));
  } catch (err) {
    if (!(err instanceof topdown.EvaluationError)) throw err;
    failed = err.message;
  }
  if (explain) process.stdout.write(topdown.formatTrace(recorder.events, explain, prepared.sourceNames) + '\n\n');
  if (failed !== undefined) {
    process.stderr.write(`agent-gateway policy eval: ${failed}\n`);
    return 1;
  }
  process.stdout.write(stringifyExact(evalOutput(rows, expressions)) + '\n');
  return 0;
}
