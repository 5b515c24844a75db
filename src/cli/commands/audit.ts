import { verifyChain } from '../../audit/index.js';
import { resolveRuntime } from '../../gateway/index.js';
import { createLogger } from '../../log/index.js';
import { createOrm } from '../../store/index.js';
import type { CliCommand } from '../main.js';
import { configOrReport } from './config-errors.js';

const USAGE = 'usage: agent-gateway audit verify\n  walks the audit hash chain; exits 1 naming the first broken event\n';

async function verify(): Promise<number> {
  const config = configOrReport();
  if (!config) return 2;
  const logger = createLogger({ level: 'warn' });
  const runtime = await resolveRuntime(config, logger, 'share', false);
  try {
    const orm = await createOrm({ databaseUrl: runtime.config.databaseUrl, poolMax: 2 });
    try {
      const verdict = await verifyChain(orm.em.fork());
      if (verdict.ok) {
        process.stdout.write(`audit chain ok: ${verdict.checked} events verified${verdict.lastSeq ? ` (last seq ${verdict.lastSeq})` : ''}\n`);
        return 0;
      }
      process.stdout.write(`audit chain BROKEN at event seq ${verdict.brokenSeq}: ${verdict.reason} (${verdict.checked} events before it verified)\n`);
      return 1;
    } finally {
      await orm.close(true);
    }
  } finally {
    await runtime.stop();
  }
}

const audit: CliCommand = {
  summary: 'audit verify: check the audit hash chain',
  async run(args: string[]): Promise<number> {
    if (args[0] === 'verify' && args.length === 1) return verify();
    process.stderr.write(USAGE);
    return 2;
  },
};

export default audit;
