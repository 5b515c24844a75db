import { ConfigError, loadConfig, type GatewayConfig } from '../../config/index.js';

/** Loads the configuration, or prints which variable is wrong and returns undefined. */
export function configOrReport(): GatewayConfig | undefined {
  try {
    return loadConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`agent-gateway: invalid configuration: ${err.message}\n`);
    return undefined;
  }
}
