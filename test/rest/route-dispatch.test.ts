import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import express, { type RequestHandler } from 'express';
import { ContractRegistry } from '../../src/contracts/index.js';
import { asGatewayError } from '../../src/errors/index.js';
import { restRoutes, type ToolCallRequest, type ToolPipeline } from '../../src/rest/index.js';
import { restRouter } from '../../src/rest/router.js';

/**
 * The real REST router (routes grouped by their first segment) in a real express app; the pipeline
 * port answers with the call it was given, so each request shows which tool and arguments it reached.
 */
describe('rest: every request reaches the route express would pick among all routes', () => {
  const registry = ContractRegistry.load();
  const routes = restRoutes(registry);
  let server: Server;
  let base: string;
  let beforeRuns = 0;

  before(async () => {
    const pipeline = {
      callTool: async (call: ToolCallRequest) => ({ status: 'ok', decisionId: 'd-1', result: { tool: call.tool, args: call.args }, tasker: null, replayed: false }),
      visibleTools: async () => [],
    } as unknown as ToolPipeline;
    const fakeAuth: RequestHandler = (_req, res, next) => {
      beforeRuns += 1;
      res.locals.auth = { agent: { id: 'a' }, token: { id: 't' }, grants: [] };
      next();
    };
    const app = express();
    app.use(express.json());
    app.use('/api/v1', restRouter(routes, pipeline, [fakeAuth]));
    app.use((req, res) => void res.status(404).json({ code: 'not_found', path: req.path }));
    app.use(((err, _req, res, _next) => {
      const known = asGatewayError(err);
      res.status(known.status).json({ code: known.code });
    }) as express.ErrorRequestHandler);
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function send(method: string, path: string, body?: unknown) {
    const res = await fetch(base + path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: res.status, allow: res.headers.get('allow'), body: (await res.json()) as any };
  }

  it('reaches each tool on its own method and path', async () => {
    for (const route of routes) {
      const path = route.path.replace(/\{([A-Za-z_]+)\}/g, (_m, name: string) => (name === 'work_item' ? 'OPS-1' : name === 'project' ? 'OPS' : '3f2a9c1e-4b7d-4e2a-9f10-0a1b2c3d4e5f'));
      const res = await send(route.method, path, route.method === 'GET' || route.method === 'DELETE' ? undefined : {});
      expect(res.body.tool, `${route.method} ${path}`).to.equal(route.tool);
    }
  });

  it('matches as express does: any case, a trailing slash, literal segments before placeholders', async () => {
    expect((await send('GET', '/WORK-ITEMS/OPS-1/')).body).to.deep.equal({ tool: 'get_work_item', args: { work_item: 'OPS-1' } });
    expect((await send('GET', '/work-items/search?query=x')).body.tool).to.equal('search_work_items');
    expect((await send('GET', '/Projects/OPS/work-items')).body.tool).to.equal('list_work_items');
  });

  it('answers 405 with the allowed methods for a known path, and leaves unknown paths to the next handler', async () => {
    const wrong = await send('PUT', '/work-items/OPS-1', {});
    expect(wrong.status).to.equal(405);
    expect(wrong.allow).to.equal('DELETE, GET, PATCH');
    const runs = beforeRuns;
    for (const path of ['/nothing-here', '/work-items', '/work-items/OPS-1/unknown', '//work-items/OPS-1', '/']) {
      const res = await send('GET', path);
      expect(res.status, path).to.equal(404);
    }
    expect(beforeRuns, 'no route ran for an unknown path').to.equal(runs);
  });
});
