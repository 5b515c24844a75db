import { join } from 'node:path';
import { PACKAGE_ROOT } from '../paths.js';

/** Everything the gateway reads from its environment, after validation. */
export interface GatewayConfig {
  host: string;
  port: number;
  /** A PostgreSQL URL; absent means "start the embedded PostgreSQL in dataDir". */
  databaseUrl?: string;
  dataDir: string;
  embeddedPostgresPort: number;
  dbPoolMax: number;
  /** Absent only in embedded mode, where start-up generates one into the data dir. */
  internalApiToken?: string;
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  bodyLimitBytes: number;
  /** Express `trust proxy` setting: false, true, a hop count or a list of subnets/names. */
  trustProxy: boolean | number | string;
  tokenRotationOverlapSeconds: number;
  pairedTokenTtlSeconds: number;
  pairingCodeTtlSeconds: number;
  pairingCodeMaxAttempts: number;
  pairingFlowTtlSeconds: number;
  pairingPollIntervalSeconds: number;
  pairingSlowDownSeconds: number;
  pairingAddressMaxFailures: number;
  pairingAddressMaxRequestsPerMinute: number;
  pairingAddressWindowSeconds: number;
  pairingVerificationUrl?: string;
  lastUsedFlushSeconds: number;
  authFailureBurstThreshold: number;
}

export const DEFAULT_DATA_DIR = join(PACKAGE_ROOT, '.data');
