import { isAbsolute, resolve } from 'node:path';
import { DEFAULT_DATA_DIR, DEFAULT_EMBEDDED_PG_HOME, type GatewayConfig } from './config.js';
import { decodeSecretKey, SECRET_KEY_MIN_BYTES } from './secret-key.js';

/** A configuration problem, naming the environment variable at fault. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function present(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = present(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `expected a whole number, got '${raw}'`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `expected a number from ${min} to ${max}, got ${value}`);
  return value;
}

function seconds(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = present(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+(\.\d+)?$/.test(raw)) throw new ConfigError(name, `expected a number of seconds, got '${raw}'`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `expected ${min} to ${max} seconds, got ${value}`);
  return value;
}

/** Only `true` or `false` (any case): a typo such as `ture` stops the start instead of reading as false. */
function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = present(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new ConfigError(name, `expected true or false, got '${raw}'`);
}

function databaseUrl(env: Env): string | undefined {
  const raw = present(env, 'DATABASE_URL');
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('DATABASE_URL', 'not a valid URL');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError('DATABASE_URL', `expected a postgres:// URL, got the scheme '${url.protocol}'`);
  }
  if (url.pathname.length < 2) throw new ConfigError('DATABASE_URL', 'the URL names no database');
  return raw;
}

function internalApiToken(env: Env): string | undefined {
  const raw = present(env, 'INTERNAL_API_TOKEN');
  if (raw === undefined) return undefined;
  if (raw.length < 32) throw new ConfigError('INTERNAL_API_TOKEN', 'must be at least 32 characters long');
  return raw;
}

/** The message never repeats the value: it is a secret even when it is a wrong one. */
function secretKey(env: Env): Buffer | undefined {
  const raw = present(env, 'GATEWAY_SECRET_KEY');
  if (raw === undefined) return undefined;
  const key = decodeSecretKey(raw);
  if (!key) throw new ConfigError('GATEWAY_SECRET_KEY', `expected at least ${SECRET_KEY_MIN_BYTES} random bytes as hex or base64 (e.g. \`openssl rand -base64 32\`)`);
  return key;
}

function logLevel(env: Env): GatewayConfig['logLevel'] {
  const raw = present(env, 'LOG_LEVEL') ?? 'info';
  const levels = ['error', 'warn', 'info', 'debug'] as const;
  const found = levels.find((l) => l === raw);
  if (!found) throw new ConfigError('LOG_LEVEL', `expected one of ${levels.join(', ')}, got '${raw}'`);
  return found;
}

function trustProxy(env: Env): GatewayConfig['trustProxy'] {
  const raw = present(env, 'TRUST_PROXY');
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  if (!/^[\w.:/, -]+$/.test(raw)) throw new ConfigError('TRUST_PROXY', `expected false, true, a hop count or a list of addresses`);
  return raw;
}

function host(env: Env): string {
  const raw = present(env, 'HOST') ?? '127.0.0.1';
  if (!/^[\w.:-]+$/.test(raw)) throw new ConfigError('HOST', `not a host name or address: '${raw}'`);
  return raw;
}

function verificationUrl(env: Env): string | undefined {
  const raw = present(env, 'PAIRING_VERIFICATION_URL');
  if (raw === undefined) return undefined;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error();
  } catch {
    throw new ConfigError('PAIRING_VERIFICATION_URL', 'expected an http(s) URL');
  }
  return raw;
}

function dataDir(env: Env): string {
  const raw = present(env, 'DATA_DIR');
  if (raw === undefined) return DEFAULT_DATA_DIR;
  return isAbsolute(raw) ? raw : resolve(raw);
}

/** The key itself or a file naming it, never both: one source, so nobody wonders which one signs. */
function auditSigningKey(env: Env): Pick<GatewayConfig, 'auditSigningKey' | 'auditSigningKeyFile'> {
  const key = present(env, 'AUDIT_SIGNING_KEY');
  const file = present(env, 'AUDIT_SIGNING_KEY_FILE');
  if (key !== undefined && file !== undefined) throw new ConfigError('AUDIT_SIGNING_KEY_FILE', 'set either AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE, not both');
  if (key !== undefined) return { auditSigningKey: key };
  if (file !== undefined) return { auditSigningKeyFile: isAbsolute(file) ? file : resolve(file) };
  return {};
}

/** Signed policy builds: key files become absolute paths; an inline PEM verification key stays as it is. */
function policyKeys(env: Env): Pick<GatewayConfig, 'policySigningKey' | 'policyVerificationKey'> {
  const out: Pick<GatewayConfig, 'policySigningKey' | 'policyVerificationKey'> = {};
  const signing = present(env, 'POLICY_SIGNING_KEY');
  if (signing !== undefined) out.policySigningKey = isAbsolute(signing) ? signing : resolve(signing);
  const verification = present(env, 'POLICY_VERIFICATION_KEY');
  if (verification !== undefined) {
    out.policyVerificationKey = verification.startsWith('-----BEGIN') || isAbsolute(verification) ? verification : resolve(verification);
  }
  return out;
}

function httpUrl(env: Env, name: string): string | undefined {
  const raw = present(env, name);
  if (raw === undefined) return undefined;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error();
  } catch {
    throw new ConfigError(name, 'expected an http(s) URL');
  }
  return raw;
}

/** The owner console's optional settings: its public origin, OpenID Connect, the approval webhook. */
function consoleSettings(env: Env): Pick<GatewayConfig, 'publicUrl' | 'oidc' | 'approvalWebhookUrl'> {
  const out: Pick<GatewayConfig, 'publicUrl' | 'oidc' | 'approvalWebhookUrl'> = {};
  const publicUrl = httpUrl(env, 'PUBLIC_URL');
  if (publicUrl) out.publicUrl = new URL(publicUrl).origin;
  const webhook = httpUrl(env, 'APPROVAL_WEBHOOK_URL');
  if (webhook) out.approvalWebhookUrl = webhook;
  const oidc = { OIDC_ISSUER: httpUrl(env, 'OIDC_ISSUER'), OIDC_CLIENT_ID: present(env, 'OIDC_CLIENT_ID'), OIDC_CLIENT_SECRET: present(env, 'OIDC_CLIENT_SECRET') };
  const given = Object.entries(oidc).filter(([, v]) => v !== undefined);
  if (given.length > 0 && given.length < 3) {
    const missing = Object.entries(oidc).filter(([, v]) => v === undefined).map(([k]) => k);
    throw new ConfigError(missing[0]!, `OpenID Connect is half configured: set ${missing.join(', ')} too, or none of OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET`);
  }
  if (given.length === 3) {
    const adminSubjects = (present(env, 'OIDC_ADMIN_SUBJECTS') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
    out.oidc = { issuer: oidc.OIDC_ISSUER!, clientId: oidc.OIDC_CLIENT_ID!, clientSecret: oidc.OIDC_CLIENT_SECRET!, adminSubjects };
  }
  return out;
}

/**
 * Reads and validates the configuration. Throws a ConfigError naming the first bad variable, so
 * a mistyped setting stops the start instead of silently falling back to a default.
 */
export function loadConfig(env: Env = process.env): GatewayConfig {
  const config: GatewayConfig = {
    host: host(env),
    port: integer(env, 'PORT', 4100, 0, 65535),
    dataDir: dataDir(env),
    embeddedPostgresPort: integer(env, 'EMBEDDED_PG_PORT', 54329, 1, 65535),
    embeddedPostgresHome: resolve(present(env, 'EMBEDDED_PG_HOME') ?? DEFAULT_EMBEDDED_PG_HOME),
    dbPoolMax: integer(env, 'DB_POOL_MAX', 10, 1, 200),
    logLevel: logLevel(env),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 65536, 1024, 10 * 1024 * 1024),
    trustProxy: trustProxy(env),
    tokenRotationOverlapSeconds: integer(env, 'TOKEN_ROTATION_OVERLAP_SECONDS', 300, 0, 7 * 86400),
    pairedTokenTtlSeconds: integer(env, 'PAIRED_TOKEN_TTL_SECONDS', 30 * 86400, 60, 366 * 86400),
    pairingCodeTtlSeconds: integer(env, 'PAIRING_CODE_TTL_SECONDS', 600, 30, 3600),
    pairingCodeMaxAttempts: integer(env, 'PAIRING_CODE_MAX_ATTEMPTS', 5, 1, 100),
    pairingFlowTtlSeconds: integer(env, 'PAIRING_FLOW_TTL_SECONDS', 600, 30, 3600),
    pairingPollIntervalSeconds: seconds(env, 'PAIRING_POLL_INTERVAL_SECONDS', 5, 0.05, 60),
    pairingSlowDownSeconds: seconds(env, 'PAIRING_SLOW_DOWN_SECONDS', 5, 0.05, 60),
    pairingAddressMaxFailures: integer(env, 'PAIRING_ADDRESS_MAX_FAILURES', 10, 1, 10000),
    pairingAddressMaxRequestsPerMinute: integer(env, 'PAIRING_ADDRESS_MAX_REQUESTS_PER_MINUTE', 60, 1, 100000),
    pairingAddressWindowSeconds: integer(env, 'PAIRING_ADDRESS_WINDOW_SECONDS', 900, 10, 86400),
    lastUsedFlushSeconds: seconds(env, 'LAST_USED_FLUSH_SECONDS', 10, 0.05, 3600),
    authFailureBurstThreshold: integer(env, 'AUTH_FAILURE_BURST_THRESHOLD', 20, 1, 100000),
    consoleSessionTtlSeconds: integer(env, 'CONSOLE_SESSION_TTL_SECONDS', 12 * 3600, 60, 30 * 86400),
    consoleSignInMaxPerAccount: integer(env, 'CONSOLE_SIGNIN_MAX_PER_ACCOUNT', 8, 1, 10000),
    consoleSignInMaxPerAddress: integer(env, 'CONSOLE_SIGNIN_MAX_PER_ADDRESS', 24, 1, 100000),
    consoleSignInWindowSeconds: integer(env, 'CONSOLE_SIGNIN_WINDOW_SECONDS', 900, 10, 86400),
    auditCheckpointIntervalSeconds: integer(env, 'AUDIT_CHECKPOINT_INTERVAL_SECONDS', 3600, 0, 31 * 86400),
    oauthCimdAllowPrivateAddresses: boolean(env, 'OAUTH_CIMD_ALLOW_PRIVATE_ADDRESSES', false),
    oauthAccessTokenTtlSeconds: integer(env, 'OAUTH_ACCESS_TOKEN_TTL_SECONDS', 3600, 60, 86400),
    oauthRefreshTokenTtlSeconds: integer(env, 'OAUTH_REFRESH_TOKEN_TTL_SECONDS', 30 * 86400, 3600, 366 * 86400),
    oauthRegistrationMaxPerHour: integer(env, 'OAUTH_REGISTRATION_MAX_PER_HOUR', 20, 1, 100000),
    ...auditSigningKey(env),
  };
  const url = databaseUrl(env);
  if (url) config.databaseUrl = url;
  const token = internalApiToken(env);
  if (token) config.internalApiToken = token;
  const key = secretKey(env);
  if (key) config.secretKey = key;
  const verification = verificationUrl(env);
  if (verification) config.pairingVerificationUrl = verification;
  Object.assign(config, consoleSettings(env));
  Object.assign(config, policyKeys(env));
  return config;
}
