/**
 * The `agent-gateway` command line. Each command lives in its own module under `commands/` and is
 * loaded only when asked for, so `policy test` does not pay for the database driver and vice versa.
 */
export interface CliCommand {
  /** One line for `agent-gateway help`. */
  summary: string;
  /** Runs the command with the words after its name; resolves to the process exit code. */
  run(args: string[]): Promise<number>;
}

type CommandLoader = () => Promise<CliCommand>;

const COMMANDS: Record<string, CommandLoader> = {
  start: () => import('./commands/start.js').then((m) => m.default),
  migrate: () => import('./commands/migrate.js').then((m) => m.default),
  audit: () => import('./commands/audit.js').then((m) => m.default),
  policy: () => import('./commands/policy.js').then((m) => m.default),
  'tasker-sandbox': () => import('./commands/tasker-sandbox.js').then((m) => m.default),
  connect: () => import('./commands/connect.js').then((m) => m.default),
  doctor: () => import('./commands/doctor.js').then((m) => m.default),
};

function usage(): string {
  const names = Object.keys(COMMANDS).sort();
  return ['usage: agent-gateway <command> [options]', '', 'commands:', ...names.map((n) => `  ${n}`)].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`agent-gateway: unknown command '${name}'\n${usage()}\n`);
    return 2;
  }
  const command = await load();
  return command.run(rest);
}
