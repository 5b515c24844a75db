import { ConfigError } from '../../config/index.js';
import { createGateway, resolveRuntime, type Gateway, type Runtime } from '../../gateway/index.js';
import { createLogger } from '../../log/index.js';
import type { CliCommand } from '../main.js';
import { configOrReport } from './config-errors.js';

/** Resolves when the first SIGINT or SIGTERM arrives; a second one forces the exit. */
function shutdownSignal(onForce: () => void): Promise<string> {
  return new Promise((resolve) => {
    let received = false;
    const handler = (signal: string) => {
      if (received) return onForce();
      received = true;
      resolve(signal);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}

const start: CliCommand = {
  summary: 'start the gateway (embedded PostgreSQL unless DATABASE_URL is set)',
  async run(): Promise<number> {
    const config = configOrReport();
    if (!config) return 2;
    const logger = createLogger({ level: config.logLevel });
    const stopping = shutdownSignal(() => {
      logger.error('second signal: exiting without a clean shutdown');
      process.exit(1);
    });
    let runtime: Runtime | undefined;
    let gateway: Gateway | undefined;
    try {
      runtime = await resolveRuntime(config, logger, 'own');
      gateway = await createGateway(runtime.config, { logger });
      const { url } = await gateway.listen();
      logger.info('agent gateway ready', {
        url,
        database: runtime.embedded ? 'embedded' : 'external',
        ...(runtime.internalTokenFile ? { internal_api_token_file: runtime.internalTokenFile } : {}),
      });
    } catch (err) {
      if (err instanceof ConfigError) process.stderr.write(`agent-gateway: invalid configuration: ${err.message}\n`);
      else logger.error('start failed', { error: err instanceof Error ? err.message : String(err) });
      await gateway?.close().catch(() => undefined);
      await runtime?.stop().catch(() => undefined);
      return 1;
    }
    const signal = await stopping;
    logger.info('shutting down', { signal });
    await gateway.close();
    await runtime.stop();
    logger.info('stopped');
    return 0;
  },
};

export default start;
