import { Router } from 'express';
import type { ExchangeResult, FlowToken } from '../../pairing/index.js';
import type { HttpDeps } from '../deps.js';
import { noStore } from '../no-store.js';
import { clientAddress, requestIdOf } from '../request-context.js';
import { requireUuid } from '../validation.js';

/** The shape a CLI stores: the token, how to send it, until when, and for which agent. */
function tokenResponse(result: ExchangeResult | FlowToken) {
  return {
    access_token: result.secret,
    token_type: 'Bearer',
    token_id: result.token.id,
    expires_at: result.token.expires_at,
    agent: result.agent,
  };
}

/** The unauthenticated pairing endpoints, rate-limited per address in PostgreSQL. */
export function publicPairingRouter(deps: HttpDeps): Router {
  const router = Router();
  const { pairing, validator } = deps;

  router.post('/pairing/exchange', noStore, async (req, res) => {
    const body = validator.body<{ code: string; device_name: string }>('public/pairing-exchange.json', req.body);
    const result = await pairing.codes.exchange(body.code, body.device_name, clientAddress(req), requestIdOf(res));
    res.status(201).json(tokenResponse(result));
  });

  router.post('/pairing/flows', noStore, async (req, res) => {
    const body = validator.body<{ device_name: string }>('public/pairing-flow-start.json', req.body);
    res.status(201).json(await pairing.flows.start(body.device_name, clientAddress(req), requestIdOf(res)));
  });

  router.post('/pairing/flows/:flowId/poll', noStore, async (req, res) => {
    const flowId = requireUuid('flow_id', req.params.flowId);
    const body = validator.body<{ flow_secret: string }>('public/pairing-flow-poll.json', req.body);
    const result = await pairing.flows.poll(flowId, body.flow_secret, clientAddress(req), requestIdOf(res));
    res.json(tokenResponse(result));
  });
  return router;
}
