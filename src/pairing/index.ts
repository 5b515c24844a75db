/** Pairing: one-time pairing codes and the device-style flow, both rate-limited in PostgreSQL. */
import type { AuditLog } from '../audit/index.js';
import type { GatewayConfig } from '../config/index.js';
import { SecretHasher, type Identity } from '../identity/index.js';
import type { Orm } from '../store/index.js';
import { DeviceFlowService } from './device-flow.js';
import { PairingGuard } from './guard.js';
import { PairingCodeService } from './pairing-codes.js';

export { PairingCodeService, type CreatedPairingCode, type ExchangeResult } from './pairing-codes.js';
export { DeviceFlowService, type StartedFlow, type FlowView, type FlowToken, type ApprovalTarget } from './device-flow.js';
export { PairingGuard } from './guard.js';
export { PgRateLimiter } from './rate-limiter.js';
export { CODE_ALPHABET, newCode, normaliseCode } from './user-codes.js';

export interface Pairing {
  codes: PairingCodeService;
  flows: DeviceFlowService;
  guard: PairingGuard;
}

/** Needs `config.secretKey`: the pairing secrets are stored only as HMACs under it (the start command resolves it). */
export function createPairing(deps: { orm: Orm; audit: AuditLog; identity: Identity; config: GatewayConfig }): Pairing {
  if (!deps.config.secretKey) throw new Error('createPairing needs config.secretKey (GATEWAY_SECRET_KEY or <DATA_DIR>/secret-key, resolved at start)');
  const hasher = new SecretHasher(deps.config.secretKey);
  const guard = new PairingGuard(deps.orm, deps.audit, deps.config);
  return {
    guard,
    codes: new PairingCodeService(deps.orm, deps.identity.agents, deps.identity.tokens, deps.audit, guard, deps.config, hasher),
    flows: new DeviceFlowService(deps.orm, deps.identity.agents, deps.identity.tokens, deps.audit, guard, deps.config, hasher),
  };
}
