import { parseArgs } from 'node:util';
import { POLICIES_DIR } from '../../../paths.js';

export const CHECK_USAGE = '  agent-gateway policy check [--strict] [--format pretty|json] [PATH...]';

/**
 * `opa check` for the project's compiler: parse and compile every `.rego` file under PATH (default
 * policies/, tests included), print the errors with file:line:col, exit 1 when there are any.
 */
export async function runCheckCommand(args: string[], usage: (message: string) => number): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { strict: { type: 'boolean', short: 'S', default: false }, format: { type: 'string', default: 'pretty' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.format !== 'pretty' && values.format !== 'json') return usage(`unknown --format '${values.format}'`);
  const { checkPolicies, jsonReport, prettyReport, readRegoFiles } = await import('../../../policy/check/index.js');
  const files = await readRegoFiles(positionals.length > 0 ? positionals : [POLICIES_DIR]);
  const diagnostics = checkPolicies(files, { strict: values.strict });
  if (values.format === 'json') process.stdout.write(JSON.stringify(jsonReport(diagnostics), null, 2) + '\n');
  else process.stderr.write(prettyReport(diagnostics));
  return diagnostics.length > 0 ? 1 : 0;
}
