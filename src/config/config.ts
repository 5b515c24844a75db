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
  /** EMBEDDED_PG_HOME: as root, where the embedded server's binaries (and a cluster the `postgres` user could not reach in dataDir) are kept. */
  embeddedPostgresHome: string;
  dbPoolMax: number;
  /** Absent only in embedded mode, where start-up generates one into the data dir. */
  internalApiToken?: string;
  /** GATEWAY_SECRET_KEY, decoded: keys the stored hashes of pairing secrets. Absent = `<dataDir>/secret-key`, generated once at start. */
  secretKey?: Buffer;
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
  /** PUBLIC_URL: the gateway's origin as browsers reach it; absent means `http://HOST:PORT` (see publicOrigin). */
  publicUrl?: string;
  /** OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET (all or none): console sign-in with OpenID Connect. */
  oidc?: OidcConfig;
  /** APPROVAL_WEBHOOK_URL: POSTed a JSON notice whenever an action is parked for approval. */
  approvalWebhookUrl?: string;
  /** CONSOLE_SESSION_TTL_SECONDS: a console session ends this long after its last use. */
  consoleSessionTtlSeconds: number;
  /** CONSOLE_SIGNIN_MAX_PER_ACCOUNT / _PER_ADDRESS: failed sign-ins allowed per CONSOLE_SIGNIN_WINDOW_SECONDS. */
  consoleSignInMaxPerAccount: number;
  consoleSignInMaxPerAddress: number;
  consoleSignInWindowSeconds: number;
  /** AUDIT_SIGNING_KEY: an Ed25519 private key (PKCS#8 PEM or base64 DER) that signs audit checkpoints. */
  auditSigningKey?: string;
  /** AUDIT_SIGNING_KEY_FILE: a file holding that key; neither set = `<dataDir>/audit-signing-key.pem`, generated once. */
  auditSigningKeyFile?: string;
  /** How often the chain head is signed into a checkpoint; 0 = only on demand. */
  auditCheckpointIntervalSeconds: number;
  /** POLICY_SIGNING_KEY: a key file (PEM private key or HS256 secret) that signs the build `start` makes. */
  policySigningKey?: string;
  /** POLICY_VERIFICATION_KEY: a PEM public key (inline or a file path); set = only builds signed under it load. */
  policyVerificationKey?: string;
  /**
   * OAUTH_CIMD_ALLOW_PRIVATE_ADDRESSES: client-ID metadata documents may be fetched from private, loopback and
   * link-local addresses (and over plain http from loopback). Off by default: a client_id URL must not make the
   * gateway reach into its own network (SSRF). For tests and single-machine setups only.
   */
  oauthCimdAllowPrivateAddresses: boolean;
  /** OAUTH_ACCESS_TOKEN_TTL_SECONDS: lifetime of the agw_ access tokens the OAuth token endpoint hands out (default an hour). */
  oauthAccessTokenTtlSeconds: number;
  /** OAUTH_REFRESH_TOKEN_TTL_SECONDS: lifetime of an OAuth grant and its refresh tokens (default 30 days). */
  oauthRefreshTokenTtlSeconds: number;
  /** OAUTH_REGISTRATION_MAX_PER_HOUR: dynamic client registrations one client address may make per hour. */
  oauthRegistrationMaxPerHour: number;
}

export const DEFAULT_DATA_DIR = join(PACKAGE_ROOT, '.data');
export const DEFAULT_EMBEDDED_PG_HOME = '/var/lib/agent-gateway';

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** OIDC_ADMIN_SUBJECTS: subjects that sign in as `admin`; everyone else signs in as an `owner`. */
  adminSubjects: string[];
}

/** The origin browsers use for the gateway: PUBLIC_URL, else `http://HOST:PORT` (a wildcard host reads as 127.0.0.1). */
export function publicOrigin(config: Pick<GatewayConfig, 'publicUrl' | 'host' | 'port'>): string {
  if (config.publicUrl) return config.publicUrl.replace(/\/+$/, '');
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${config.port}`;
}
