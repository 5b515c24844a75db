import type { AuditLog } from '../audit/index.js';
import type { GatewayConfig } from '../config/index.js';
import type { Identity } from '../identity/index.js';
import type { Logger } from '../log/index.js';
import type { Pairing } from '../pairing/index.js';
import type { Orm } from '../store/index.js';
import type { RequestValidator } from './validation.js';

/** What the HTTP layer's routers need from the foundation. */
export interface HttpDeps {
  config: GatewayConfig;
  logger: Logger;
  orm: Orm;
  audit: AuditLog;
  identity: Identity;
  pairing: Pairing;
  validator: RequestValidator;
}
