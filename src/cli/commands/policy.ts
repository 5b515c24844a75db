import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import type { CliCommand } from '../main.js';
import { POLICIES_DIR } from '../../paths.js';

const USAGE = `usage:
  agent-gateway policy build [--engine auto|regoc|opa] [--out DIR] [--policies DIR]
  agent-gateway policy test [PATH...] [--run REGEX] [--format pretty|json]`;

const ENGINES = ['auto', 'regoc', 'opa'] as const;
type Engine = (typeof ENGINES)[number];

function fail(message: string): number {
  process.stderr.write(`agent-gateway policy: ${message}\n${USAGE}\n`);
  return 2;
}

async function build(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { engine: { type: 'string', default: 'auto' }, out: { type: 'string' }, policies: { type: 'string' } },
    strict: true,
  });
  if (!ENGINES.includes(values.engine as Engine)) return fail(`unknown engine '${values.engine}'`);
  const { buildPolicies } = await import('../../policy/build/index.js');
  const started = Date.now();
  const result = await buildPolicies({
    engine: values.engine as Engine,
    ...(values.out ? { outDir: resolve(values.out) } : {}),
    ...(values.policies ? { policiesDir: resolve(values.policies) } : {}),
  });
  const m = result.manifest;
  process.stdout.write(
    `built ${result.dir} with ${m.compiler.name} ${m.compiler.version} in ${Date.now() - started} ms\n` +
      `revision ${m.revision}\nentrypoints ${m.entrypoints.join(', ')}\n`,
  );
  return 0;
}

async function test(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { run: { type: 'string' }, format: { type: 'string', default: 'pretty' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.format !== 'pretty' && values.format !== 'json') return fail(`unknown format '${values.format}'`);
  let run: RegExp | undefined;
  try {
    run = values.run ? new RegExp(values.run) : undefined;
  } catch (err) {
    return fail(`--run is not a regular expression: ${(err as Error).message}`);
  }
  const testing = await import('../../policy/testing/index.js');
  const paths = positionals.length > 0 ? positionals.map((p) => resolve(p)) : [POLICIES_DIR];
  const report = await testing.runPolicyTests({ paths, ...(run ? { run } : {}) });
  const text = values.format === 'json' ? testing.formatJson(report) : testing.formatPretty(report);
  process.stdout.write(text);
  return testing.reportPassed(report) ? 0 : 1;
}

const policy: CliCommand = {
  summary: 'build the Rego policies to WebAssembly, or run their unit tests',
  async run(args: string[]): Promise<number> {
    const [sub, ...rest] = args;
    try {
      if (sub === 'build') return await build(rest);
      if (sub === 'test') return await test(rest);
    } catch (err) {
      process.stderr.write(`agent-gateway policy ${sub}: ${err instanceof Error ? err.message : String(err)}\n`);
      return 1;
    }
    return fail(sub ? `unknown subcommand '${sub}'` : 'missing subcommand');
  },
};

export default policy;
