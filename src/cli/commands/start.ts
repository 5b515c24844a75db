import { ConfigError } from '../../config/index.js';
import { createGateway, resolveRuntime, type Gateway, type Runtime } from '../../gateway/index.js';
import { buildStages } from '../../gateway/stages.js';
import { createLogger } from '../../log/index.js';
import { EmbeddedPostgresError } from '../../store/embedded-postgres.js';
import type { CliCommand } from '../main.js';
import { configOrReport } from './config-errors.js';

/** `signal` resolves at the first SIGINT or SIGTERM; a second one forces the exit. */
function shutdownSignal(onForce: () => void): { signal: Promise<string>; dispose: () => void } {
  let received = false;
  let handler: (signal: string) => void = () => undefined;
  const signal = new Promise<string>((resolve) => {
    handler = (name: string) => {
      if (received) return onForce();
      received = true;
      resolve(name);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
  const dispose = () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
  return { signal, dispose };
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
      gateway = await createGateway(runtime.config, { logger, extensions: buildStages(logger).extensions });
      const { url } = await gateway.listen();
      logger.info('agent gateway ready', {
        url,
        database: runtime.embedded ? 'embedded' : 'external',
        ...(runtime.internalTokenFile ? { internal_api_token_file: runtime.internalTokenFile } : {}),
      });
    } catch (err) {
      if (err instanceof ConfigError) process.stderr.write(`agent-gateway: invalid configuration: ${err.message}\n`);
      else if (err instanceof EmbeddedPostgresError) logger.error('start failed: the embedded PostgreSQL did not start', { reason: err.reason, fix: err.fix });
      else logger.error('start failed', { error: err instanceof Error ? err.message : String(err) });
      await gateway?.close().catch(() => undefined);
      await runtime?.stop().catch(() => undefined);
      stopping.dispose();
      return 1;
    }
    const signal = await stopping.signal;
    logger.info('shutting down', { signal });
    await gateway.close();
    await runtime.stop();
    logger.info('stopped');
    stopping.dispose();
    return 0;
  },
};

export default start;
