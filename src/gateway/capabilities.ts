import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckpointPublicKey } from '../audit/index.js';
import { PACKAGE_ROOT } from '../paths.js';
import { CODE_ALPHABET } from '../pairing/index.js';
import type { GatewayConfig } from '../config/index.js';

let cachedVersion: string | undefined;

function packageVersion(): string {
  cachedVersion ??= (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  return cachedVersion;
}

/** What the foundation offers; extensions merge their own sections in. */
export function foundationCapabilities(config: GatewayConfig): Record<string, unknown> {
  return {
    service: 'nodedc-agent-gateway',
    version: packageVersion(),
    api: { rest: '/api/v1', internal: '/internal/v1' },
    authentication: { agent: 'bearer', token_prefix: 'agw_' },
    pairing: {
      code: { exchange: '/api/v1/pairing/exchange', alphabet: CODE_ALPHABET, format: 'XXXX-XXXX', ttl_seconds: config.pairingCodeTtlSeconds },
      device_flow: {
        start: '/api/v1/pairing/flows',
        poll: '/api/v1/pairing/flows/{flow_id}/poll',
        interval_seconds: Math.ceil(config.pairingPollIntervalSeconds),
        expires_in_seconds: config.pairingFlowTtlSeconds,
      },
    },
    endpoints: { health: '/healthz', ready: '/readyz', me: '/api/v1/me' },
  };
}

/**
 * The audit section: where signed checkpoints are and the public key that verifies them
 * (SubjectPublicKeyInfo PEM; `key_id` is its RFC 7638 JWK thumbprint, as each checkpoint names it).
 */
export function auditCapabilities(key: CheckpointPublicKey, intervalSeconds: number): Record<string, unknown> {
  return {
    audit: {
      checkpoint: {
        route: '/internal/v1/audit/checkpoint',
        algorithm: 'Ed25519',
        key_id: key.keyId,
        public_key: key.publicKeyPem,
        interval_seconds: intervalSeconds,
      },
    },
  };
}
