import { parseArgs } from 'node:util';
import { ConfigError } from '../../config/index.js';
import { createGateway, resolveRuntime, type Gateway, type Runtime } from '../../gateway/index.js';
import { buildStages, taskerTargetFromEnv } from '../../gateway/stages.js';
import { createLogger } from '../../log/index.js';
import { EmbeddedPostgresError } from '../../store/embedded-postgres.js';
import { sandboxSnapshotPath } from '../../tasker/sandbox/index.js';
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

/** `--reset`: start the Tasker sandbox from its seed (its data file is overwritten; the gateway's database is untouched). */
function startOptions(args: string[]): { reset: boolean } | undefined {
  try {
    const { values } = parseArgs({ args, options: { reset: { type: 'boolean', default: false } }, strict: true });
    return { reset: values.reset };
  } catch (err) {
    process.stderr.write(`agent-gateway start: ${err instanceof Error ? err.message : String(err)}\nusage: agent-gateway start [--reset]\n`);
    return undefined;
  }
}

/** Whether Tasker is the sandbox; undefined (after saying why) when --reset asks for a sandbox that is not there. */
function usesSandbox(reset: boolean): boolean | undefined {
  let sandbox: boolean;
  try {
    sandbox = taskerTargetFromEnv(process.env).kind === 'sandbox';
  } catch {
    return false; // half-configured Tasker: the Tasker stage reports it at start
  }
  if (reset && !sandbox) {
    process.stderr.write('agent-gateway start: --reset starts the Tasker sandbox afresh, but TASKER_URL is set: there is no sandbox to reset\n');
    return undefined;
  }
  return sandbox;
}

const start: CliCommand = {
  summary: 'start the gateway (embedded PostgreSQL unless DATABASE_URL is set; --reset: Tasker sandbox from its seed)',
  async run(args): Promise<number> {
    const options = startOptions(args);
    if (!options) return 2;
    const config = configOrReport();
    if (!config) return 2;
    const sandbox = usesSandbox(options.reset);
    if (sandbox === undefined) return 2;
    const logger = createLogger({ level: config.logLevel });
    const stopping = shutdownSignal(() => {
      logger.error('second signal: exiting without a clean shutdown');
      process.exit(1);
    });
    let runtime: Runtime | undefined;
    let gateway: Gateway | undefined;
    try {
      runtime = await resolveRuntime(config, logger, 'own');
      // The sandbox keeps its data in the data dir, so items the audit log and approvals name outlive a restart.
      const sandboxOptions = sandbox ? { sandbox: { snapshotPath: sandboxSnapshotPath(config.dataDir), reset: options.reset } } : {};
      gateway = await createGateway(runtime.config, { logger, extensions: buildStages(logger, sandboxOptions).extensions });
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
