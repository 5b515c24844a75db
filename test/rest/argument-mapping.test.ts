import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import express from 'express';
import { ContractRegistry } from '../../src/contracts/index.js';
import { asGatewayError } from '../../src/errors/index.js';
import { restCallOf, restRoutes } from '../../src/rest/index.js';

/** A real express app whose routes answer with the tool arguments restCallOf builds. */
describe('rest: path, query, body and Idempotency-Key mapped to tool arguments', () => {
  const registry = ContractRegistry.load();
  let server: Server;
  let base: string;

  before(async () => {
    const app = express();
    app.use(express.json());
    const router = express.Router();
    for (const route of restRoutes(registry)) {
      router[route.method.toLowerCase() as 'get'](route.expressPath, (req, res) => {
        try {
          res.json({ tool: route.tool, ...restCallOf(req, route) });
        } catch (err) {
          const known = asGatewayError(err);
          res.status(known.status).json({ code: known.code });
        }
      });
    }
    app.use('/api/v1', router);
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(base + path, { method, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: res.status, body: (await res.json()) as any };
  }

  it('converts query text to the types the contract declares: integers, arrays (repeated or comma-separated)', async () => {
    const res = await send('GET', '/projects/OPS/work-items?limit=10&priority=high,urgent&state_group=started&state_group=unstarted&text=a,b');
    expect(res.body).to.deep.equal({
      tool: 'list_work_items',
      args: { project: 'OPS', limit: 10, priority: ['high', 'urgent'], state_group: ['started', 'unstarted'], text: 'a,b' },
      idempotencyKey: null,
    });
  });

  it('converts booleans, and leaves values that do not convert as text for the schema to reject', async () => {
    expect((await send('GET', '/projects?include_archived=true')).body.args).to.deep.equal({ include_archived: true });
    expect((await send('GET', '/projects?include_archived=yes')).body.args).to.deep.equal({ include_archived: 'yes' });
    expect((await send('GET', '/projects/OPS/work-items?limit=ten')).body.args.limit).to.equal('ten');
  });

  it('routes /work-items/search to search_work_items, not to get_work_item', async () => {
    expect((await send('GET', '/work-items/search?query=login')).body.tool).to.equal('search_work_items');
    expect((await send('GET', '/work-items/OPS-1')).body.tool).to.equal('get_work_item');
  });

  it('merges the path into the body of writes and fills idempotency_key from the Idempotency-Key header', async () => {
    const res = await send('POST', '/work-items/OPS-1/comments', { body: 'hi' }, { 'idempotency-key': 'key-00000001' });
    expect(res.body).to.deep.equal({ tool: 'add_comment', args: { body: 'hi', work_item: 'OPS-1', idempotency_key: 'key-00000001' }, idempotencyKey: 'key-00000001' });
  });

  it('refuses an argument given twice with different values (path against body, header against body)', async () => {
    expect((await send('POST', '/work-items/OPS-1/comments', { body: 'hi', work_item: 'OPS-2' })).status).to.equal(400);
    expect((await send('POST', '/work-items/OPS-1/comments', { body: 'hi', idempotency_key: 'key-00000002' }, { 'idempotency-key': 'key-00000001' })).status).to.equal(400);
    expect((await send('POST', '/work-items/OPS-1/comments', { body: 'hi', work_item: 'OPS-1' })).status).to.equal(200);
  });

  it('refuses a JSON body that is not an object, and a repeated scalar query parameter', async () => {
    expect((await send('POST', '/work-items/OPS-1/comments', ['hi'])).status).to.equal(400);
    expect((await send('GET', '/projects/OPS/work-items?limit=1&limit=2')).body.code).to.equal('validation_failed');
  });
});
