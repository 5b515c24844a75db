import { expect } from 'chai';
import { Router } from 'express';
import { GatewayError } from '../../src/errors/index.js';
import { authOf } from '../../src/http/index.js';
import type { GatewayExtension } from '../../src/gateway/index.js';
import { agentWithToken, call, InternalClient, startTestGateway, type TestGateway } from '../support/index.js';

describe('http: health, readiness and capabilities', () => {
  let gw: TestGateway;
  let policyLoaded = true;
  const extension: GatewayExtension = {
    name: 'test-extension',
    setup: (deps) => ({
      readiness: [
        {
          name: 'policy',
          check: async () => {
            if (!policyLoaded) throw new GatewayError('policy_unavailable', 'no policy bundle');
          },
        },
      ],
      capabilities: { mcp: { endpoint: '/mcp' } },
      routers: [{ path: '/api/v1/echo-agent', router: Router().get('/', deps.authenticateAgent, (_req, res) => void res.json({ agent: authOf(res).agent.id })) }],
    }),
  };
  before(async () => {
    gw = await startTestGateway({ extensions: [extension] });
  });
  after(async () => {
    await gw.close();
  });

  it('answers /healthz', async () => {
    const res = await call(gw.baseUrl, 'GET', '/healthz');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ status: 'ok' });
  });

  it('is ready when the database is reachable and migrated and every extension check passes', async () => {
    const res = await call(gw.baseUrl, 'GET', '/readyz');
    expect(res.status).to.equal(200);
    expect(res.body.checks).to.deep.equal({ database: 'ok', migrations: 'ok', policy: 'ok' });
  });

  it('is not ready (503, uniform body) while an extension check fails', async () => {
    policyLoaded = false;
    try {
      const res = await call(gw.baseUrl, 'GET', '/readyz');
      expect(res.status).to.equal(503);
      expect(res.body.error.code).to.equal('service_unavailable');
      expect(res.body.error.context.checks.policy).to.equal('no policy bundle');
    } finally {
      policyLoaded = true;
    }
  });

  it('merges extension capabilities into /api/v1/meta/capabilities', async () => {
    const res = await call(gw.baseUrl, 'GET', '/api/v1/meta/capabilities');
    expect(res.status).to.equal(200);
    expect(res.body.service).to.equal('nodedc-agent-gateway');
    expect(res.body.pairing.device_flow.start).to.equal('/api/v1/pairing/flows');
    expect(res.body.mcp).to.deep.equal({ endpoint: '/mcp' });
  });

  it('mounts extension routers behind the shared agent authentication', async () => {
    expect((await call(gw.baseUrl, 'GET', '/api/v1/echo-agent')).status).to.equal(401);
    const { agentId, token } = await agentWithToken(new InternalClient(gw.baseUrl, gw.internalToken, 'owner-ops'));
    const res = await call(gw.baseUrl, 'GET', '/api/v1/echo-agent', { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ agent: agentId });
  });
});
