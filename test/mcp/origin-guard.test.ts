import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import express from 'express';
import { GatewayError } from '../../src/errors/index.js';
import { originGuard, parseAllowedOrigins } from '../../src/mcp/index.js';

describe('mcp: Origin validation', () => {
  let server: Server;
  let url: string;

  before(async () => {
    const app = express();
    app.use(originGuard(parseAllowedOrigins('https://launcher.nodedc.example, http://localhost:5173')));
    app.post('/', (_req, res) => void res.json({ passed: true }));
    app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(err instanceof GatewayError ? err.status : 500).json({ code: err instanceof GatewayError ? err.code : 'other' });
    });
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const post = (origin?: string) => fetch(url, { method: 'POST', headers: origin === undefined ? {} : { origin } });

  it('lets requests without an Origin header through (CLI agents send none)', async () => {
    expect((await post()).status).to.equal(200);
  });

  it('lets configured origins through, compared as origins (scheme, host, port)', async () => {
    expect((await post('https://launcher.nodedc.example')).status).to.equal(200);
    expect((await post('http://localhost:5173')).status).to.equal(200);
  });

  it('refuses foreign, look-alike, opaque and malformed origins with 403 forbidden', async () => {
    for (const origin of ['https://evil.example', 'http://launcher.nodedc.example', 'https://launcher.nodedc.example:8443', 'http://localhost:5174', 'null', 'not a url']) {
      const res = await post(origin);
      expect(res.status, origin).to.equal(403);
      expect(await res.json()).to.deep.equal({ code: 'forbidden' });
    }
  });

  it('rejects a configured entry that is not an http(s) origin at start-up', () => {
    expect(() => parseAllowedOrigins('ftp://files.example')).to.throw(/not an http\(s\) origin/);
    expect(parseAllowedOrigins(undefined)).to.deep.equal([]);
    expect(parseAllowedOrigins(' https://a.example ,, https://b.example ')).to.deep.equal(['https://a.example', 'https://b.example']);
  });
});
