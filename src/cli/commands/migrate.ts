import { resolveRuntime } from '../../gateway/index.js';
import { createLogger } from '../../log/index.js';
import { createOrm, migrateToLatest } from '../../store/index.js';
import type { CliCommand } from '../main.js';
import { configOrReport } from './config-errors.js';

const migrate: CliCommand = {
  summary: 'apply pending database migrations from migrations/',
  async run(): Promise<number> {
    const config = configOrReport();
    if (!config) return 2;
    const logger = createLogger({ level: config.logLevel });
    const runtime = await resolveRuntime(config, logger, 'share', false);
    try {
      const orm = await createOrm({ databaseUrl: runtime.config.databaseUrl, poolMax: 2 });
      try {
        const applied = await migrateToLatest(orm, runtime.config.databaseUrl);
        process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'the database is up to date\n');
        return 0;
      } finally {
        await orm.close(true);
      }
    } finally {
      await runtime.stop();
    }
  },
};

export default migrate;
