import { Router } from 'express';
import { GatewayError } from '../../errors/index.js';
import { requestIdOf } from '../request-context.js';

/** A named readiness condition; `check` throws (or rejects) when the condition does not hold. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface OpsOptions {
  readiness: ReadinessCheck[];
  capabilities: () => Record<string, unknown>;
}

/** `/healthz` (the process answers), `/readyz` (every dependency is usable), capabilities. */
export function opsRouter(options: OpsOptions): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const checks: Record<string, string> = {};
    let ready = true;
    for (const { name, check } of options.readiness) {
      try {
        await check();
        checks[name] = 'ok';
      } catch (err) {
        ready = false;
        checks[name] = err instanceof GatewayError ? err.message : 'unavailable';
      }
    }
    if (ready) {
      res.json({ status: 'ready', checks });
      return;
    }
    res.status(503).json({ error: { code: 'service_unavailable', message: 'The gateway is not ready.', context: { checks }, request_id: requestIdOf(res) } });
  });

  router.get('/api/v1/meta/capabilities', (_req, res) => {
    res.json(options.capabilities());
  });
  return router;
}
