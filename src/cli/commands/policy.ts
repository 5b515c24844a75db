import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import type { CliCommand } from '../main.js';
import { TEST_USAGE, runTestCommand } from './policy/test.js';
import { EVAL_USAGE, runEvalCommand } from './policy/eval.js';
import { CHECK_USAGE, runCheckCommand } from './policy/check.js';
import { FMT_USAGE, runFmtCommand } from './policy/fmt.js';

const USAGE = `usage:
  agent-gateway policy build [--engine auto|regoc|opa] [--out DIR] [--policies DIR] [--signing-key FILE]
${TEST_USAGE}
${EVAL_USAGE}
${CHECK_USAGE}
${FMT_USAGE}`;

const ENGINES = ['auto', 'regoc', 'opa'] as const;
type Engine = (typeof ENGINES)[number];

function fail(message: string): number {
  process.stderr.write(`agent-gateway policy: ${message}\n${USAGE}\n`);
  return 2;
}

async function build(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { engine: { type: 'string', default: 'auto' }, out: { type: 'string' }, policies: { type: 'string' }, 'signing-key': { type: 'string' } },
    strict: true,
  });
  if (!ENGINES.includes(values.engine as Engine)) return fail(`unknown engine '${values.engine}'`);
  const { buildPolicies } = await import('../../policy/build/index.js');
  const started = Date.now();
  const result = await buildPolicies({
    engine: values.engine as Engine,
    ...(values.out ? { outDir: resolve(values.out) } : {}),
    ...(values.policies ? { policiesDir: resolve(values.policies) } : {}),
    ...(values['signing-key'] ? { signingKey: resolve(values['signing-key']) } : {}),
  });
  const m = result.manifest;
  process.stdout.write(
    `built ${result.dir} with ${m.compiler.name} ${m.compiler.version} in ${Date.now() - started} ms\n` +
      `revision ${m.revision}\nentrypoints ${m.entrypoints.join(', ')}\n` +
      (result.signed ? 'signed .signatures.json\n' : ''),
  );
  return 0;
}

const policy: CliCommand = {
  summary: 'build the Rego policies to WebAssembly (optionally signed), test, evaluate, check or format them',
  async run(args: string[]): Promise<number> {
    const [sub, ...rest] = args;
    try {
      if (sub === 'build') return await build(rest);
      if (sub === 'test') return await runTestCommand(rest, fail);
      if (sub === 'eval') return await runEvalCommand(rest, fail);
      if (sub === 'check') return await runCheckCommand(rest, fail);
      if (sub === 'fmt') return await runFmtCommand(rest, fail);
    } catch (err) {
      // A flag parseArgs does not know, or one missing its value, is a usage error (exit 2).
      if ((err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS') === true) return fail((err as Error).message);
      process.stderr.write(`agent-gateway policy ${sub}: ${err instanceof Error ? err.message : String(err)}\n`);
      return 1;
    }
    return fail(sub ? `unknown subcommand '${sub}'` : 'missing subcommand');
  },
};

export default policy;
