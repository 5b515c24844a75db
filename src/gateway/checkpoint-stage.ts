import { AuditCheckpointer, resolveSigningKey } from '../audit/index.js';
import { internalAuditCheckpointRouter } from '../http/routes/internal-audit.js';
import { auditCapabilities } from './capabilities.js';
import type { GatewayExtension } from './extension.js';

/** Exposed for tests that need the running checkpointer. */
export interface CheckpointStageHandle {
  checkpointer?: AuditCheckpointer;
}

/**
 * Signed checkpoints of the audit chain head: resolves the signing key (AUDIT_SIGNING_KEY,
 * AUDIT_SIGNING_KEY_FILE, or the data-dir key generated once), serves
 * `/internal/v1/audit/checkpoint`, publishes the public key in the capabilities and signs the head
 * every AUDIT_CHECKPOINT_INTERVAL_SECONDS.
 */
export function auditCheckpointStage(handle: CheckpointStageHandle = {}): GatewayExtension {
  return {
    name: 'audit-checkpoints',
    async setup(deps) {
      const { config, logger, orm, audit } = deps;
      const key = (await resolveSigningKey(config, { create: true }))!;
      const interval = config.auditCheckpointIntervalSeconds;
      const checkpointer = new AuditCheckpointer({ em: orm.em, audit, key, logger, intervalSeconds: interval });
      handle.checkpointer = checkpointer;
      const source = key.source.kind === 'env' ? 'AUDIT_SIGNING_KEY' : key.source.file;
      logger.info('audit checkpoint key', { key_id: key.keyId, source, ...(key.source.kind === 'data-dir' && key.source.created ? { generated: true } : {}), interval_seconds: interval });
      checkpointer.start();
      return {
        routers: [{ path: '/internal/v1', router: internalAuditCheckpointRouter(checkpointer) }],
        capabilities: auditCapabilities(key, interval),
        close: () => checkpointer.stop(),
      };
    },
  };
}
