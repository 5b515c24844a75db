import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { POLICIES_DIR } from '../../../paths.js';

export const FMT_USAGE = '  agent-gateway policy fmt [--list|--diff|--write] [--fail] [PATH...]';

/**
 * `opa fmt` for the project: without a flag, prints the formatted files; --list names the files
 * whose layout differs, --diff shows how, --write rewrites them in place; --fail exits 1 when any
 * file is not formatted (CI). A file that does not parse is reported and exits 1.
 */
export async function runFmtCommand(args: string[], usage: (message: string) => number): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      list: { type: 'boolean', short: 'l', default: false },
      diff: { type: 'boolean', short: 'd', default: false },
      write: { type: 'boolean', short: 'w', default: false },
      fail: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if ([values.list, values.diff, values.write].filter(Boolean).length > 1) return usage('use one of --list, --diff, --write');
  const { readRegoFiles } = await import('../../../policy/check/rego-files.js');
  const { formatRego, unifiedDiff } = await import('../../../policy/format/index.js');
  const files = await readRegoFiles(positionals.length > 0 ? positionals : [POLICIES_DIR]);
  let failed = false;
  let unformatted = 0;
  for (const file of files) {
    let formatted: string;
    try {
      formatted = formatRego(file.text, file.path);
    } catch (err) {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      failed = true;
      continue;
    }
    const differs = formatted !== file.text;
    if (differs) unformatted++;
    if (values.list) {
      if (differs) process.stdout.write(`${file.path}\n`);
    } else if (values.diff) {
      process.stdout.write(unifiedDiff(file.path, file.text, formatted));
    } else if (values.write) {
      if (differs) await writeFile(file.absolute, formatted);
    } else if (!values.fail) {
      process.stdout.write(formatted);
    }
  }
  if (values.fail && unformatted > 0) {
    process.stderr.write(`${unformatted} file(s) not formatted: run agent-gateway policy fmt --write\n`);
    return 1;
  }
  return failed ? 1 : 0;
}
