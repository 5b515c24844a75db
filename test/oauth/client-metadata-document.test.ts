import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { isPublicAddress } from '../../src/oauth/client-metadata-address.js';
import { ClientMetadataCache, cimdFailureOf, fetchClientMetadataDocument, type CimdOptions } from '../../src/oauth/client-metadata-document.js';

type Handler = (req: IncomingMessage, res: ServerResponse, base: string) => void;

/** A real HTTP server on loopback whose answer each test chooses, counting the requests it gets. */
class DocumentServer {
  private server!: Server;
  base = '';
  hits: string[] = [];
  handler: Handler = (_req, res) => res.end();

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.hits.push(req.url ?? '');
      this.handler(req, res, this.base);
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function json(res: ServerResponse, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(200, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const goodDocument = (clientId: string) => ({ client_id: clientId, client_name: 'Test <b>Client</b>', redirect_uris: ['http://127.0.0.1:33418/callback', 'https://app.example.com/cb'], token_endpoint_auth_method: 'none' });

async function failure(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (err) {
    return cimdFailureOf(err) ?? `not ours: ${(err as Error).message}`;
  }
  return undefined;
}

describe('oauth: client-ID metadata documents fetched with strict limits', () => {
  const server = new DocumentServer();
  let options: CimdOptions;
  let n = 0;
  const url = (name = 'client') => `${server.base}/${name}-${(n += 1)}.json`;

  before(() => server.start());
  after(() => server.close());
  beforeEach(() => {
    server.hits = [];
    // Loopback is private: these tests serve documents from 127.0.0.1, so they allow it.
    options = { allowPrivateAddresses: true, cache: new ClientMetadataCache(), timeoutMs: 1_000 };
  });

  it('accepts a good document: client_id equal to the URL, redirect URIs, public client; name and host kept as the client wrote them', async () => {
    const clientId = url();
    server.handler = (_req, res) => json(res, goodDocument(clientId));
    const doc = await fetchClientMetadataDocument(clientId, options);
    expect(doc).to.deep.include({ client_id: clientId, client_name: 'Test <b>Client</b>', client_host: new URL(server.base).host, token_endpoint_auth_method: 'none' });
    expect(doc.redirect_uris).to.deep.equal(['http://127.0.0.1:33418/callback', 'https://app.example.com/cb']);
    expect(doc.grant_types).to.deep.equal(['authorization_code']);
  });

  it('caches a document for its max-age and fetches it again when the response said no-store', async () => {
    const cached = url();
    server.handler = (_req, res) => json(res, goodDocument(cached), { 'cache-control': 'max-age=60' });
    await fetchClientMetadataDocument(cached, options);
    await fetchClientMetadataDocument(cached, options);
    expect(server.hits).to.have.length(1);

    const uncached = url();
    server.hits = [];
    server.handler = (_req, res) => json(res, goodDocument(uncached), { 'cache-control': 'no-store' });
    await fetchClientMetadataDocument(uncached, options);
    await fetchClientMetadataDocument(uncached, options);
    expect(server.hits).to.have.length(2);
  });

  it('refuses a document larger than 5 KiB, whether declared by Content-Length or streamed without one', async () => {
    const declared = url();
    const big = { ...goodDocument(declared), padding: 'x'.repeat(6 * 1024) };
    server.handler = (_req, res) => json(res, big);
    expect(await failure(fetchClientMetadataDocument(declared, options))).to.equal('too_large');

    const streamed = url();
    server.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      // Never-ending body: the gateway must stop reading at the limit.
      const timer = setInterval(() => res.write('x'.repeat(1024)), 5);
      res.on('close', () => clearInterval(timer));
    };
    expect(await failure(fetchClientMetadataDocument(streamed, options))).to.equal('too_large');
  });

  it('gives up on a server that does not answer within the time limit', async () => {
    const slow = url('slow');
    server.handler = () => undefined; // accepts the connection, never answers
    expect(await failure(fetchClientMetadataDocument(slow, { ...options, timeoutMs: 300 }))).to.equal('timeout');
  });

  it('does not follow a redirect, even to a good document', async () => {
    const moved = url('moved');
    server.handler = (req, res, base) => {
      if (req.url?.startsWith('/moved')) {
        res.writeHead(302, { location: `${base}/elsewhere.json` });
        res.end();
        return;
      }
      json(res, goodDocument(moved));
    };
    expect(await failure(fetchClientMetadataDocument(moved, options))).to.equal('redirect_refused');
    expect(server.hits).to.deep.equal([new URL(moved).pathname]);
  });

  it('refuses a document whose client_id is not exactly its URL', async () => {
    const clientId = url();
    server.handler = (_req, res) => json(res, goodDocument(`${clientId}?other`));
    expect(await failure(fetchClientMetadataDocument(clientId, options))).to.equal('client_id_mismatch');
  });

  it('refuses a non-JSON answer, malformed JSON and a non-200 status', async () => {
    const html = url();
    server.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html></html>');
    };
    expect(await failure(fetchClientMetadataDocument(html, options))).to.equal('not_json');

    const broken = url();
    server.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"client_id": ');
    };
    expect(await failure(fetchClientMetadataDocument(broken, options))).to.equal('not_json');

    const missing = url();
    server.handler = (_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{}');
    };
    expect(await failure(fetchClientMetadataDocument(missing, options))).to.equal('bad_status');
  });

  it('refuses loopback and private addresses unless OAUTH_CIMD_ALLOW_PRIVATE_ADDRESSES is set, checking the address a name resolves to', async () => {
    server.handler = (_req, res) => json(res, {});
    const port = new URL(server.base).port;
    const strict: CimdOptions = { cache: new ClientMetadataCache(), timeoutMs: 1_000 };
    // A name (not an address literal): refused after resolution, before any connection.
    expect(await failure(fetchClientMetadataDocument(`https://localhost:${port}/client.json`, strict))).to.equal('address_refused');
    expect(await failure(fetchClientMetadataDocument(`https://127.0.0.1:${port}/client.json`, strict))).to.equal('address_refused');
    expect(await failure(fetchClientMetadataDocument(`https://[::1]:${port}/client.json`, strict))).to.equal('address_refused');
    expect(await failure(fetchClientMetadataDocument(`https://10.1.2.3/client.json`, strict))).to.equal('address_refused');
    expect(await failure(fetchClientMetadataDocument(`https://[::ffff:192.168.1.1]/client.json`, strict))).to.equal('address_refused');
    // Plain http is refused outright without the option, even from loopback.
    expect(await failure(fetchClientMetadataDocument(`${server.base}/client.json`, strict))).to.equal('invalid_client_id');
    expect(server.hits).to.deep.equal([]);
  });

  it('judges addresses: only public unicast is fetched from', () => {
    for (const refused of ['127.0.0.1', '10.0.0.1', '172.16.5.4', '192.168.0.1', '100.64.0.1', '169.254.169.254', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '2002:a00:1::1', '64:ff9b::a00:1', '2001:db8::1', 'not-an-ip']) {
      expect(isPublicAddress(refused), refused).to.equal(false);
    }
    for (const allowed of ['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8']) expect(isPublicAddress(allowed), allowed).to.equal(true);
  });

  it('refuses client_id URLs the draft rules out: no path, a fragment, a user name, dot segments, not a URL, over 2000 characters', async () => {
    const strict: CimdOptions = { cache: new ClientMetadataCache() };
    for (const bad of ['https://client.example.com', 'https://client.example.com/', 'https://client.example.com/c.json#x', 'https://user:pw@client.example.com/c.json', 'https://client.example.com/a/../c.json', 'https://client.example.com/./c.json', 'https://client.example.com/a/%2e%2e/c.json', 'client', 'http://client.example.com/c.json', `https://client.example.com/${'a'.repeat(2100)}`]) {
      expect(await failure(fetchClientMetadataDocument(bad, strict)), bad).to.equal('invalid_client_id');
    }
  });

  it('refuses documents that are not a public client with acceptable redirect URIs', async () => {
    const cases: [string, (id: string) => Record<string, unknown>][] = [
      ['no redirect_uris', (id) => ({ client_id: id })],
      ['http redirect off loopback', (id) => ({ ...goodDocument(id), redirect_uris: ['http://app.example.com/cb'] })],
      ['a shared secret method', (id) => ({ ...goodDocument(id), token_endpoint_auth_method: 'client_secret_basic' })],
      ['a client secret', (id) => ({ ...goodDocument(id), client_secret: 'hunter2' })],
      ['not an object', () => [] as unknown as Record<string, unknown>],
      ['an over-long name', (id) => ({ ...goodDocument(id), client_name: 'n'.repeat(500) })],
    ];
    for (const [label, make] of cases) {
      const clientId = url();
      server.handler = (_req, res) => json(res, make(clientId));
      expect(await failure(fetchClientMetadataDocument(clientId, options)), label).to.equal('invalid_document');
    }
  });

  it('keeps the cache bounded and caps a long max-age at five minutes', () => {
    let now = 0;
    const cache = new ClientMetadataCache<string>(2, 300, () => now);
    cache.set('a', 'A', 3600);
    cache.set('b', 'B', 3600);
    cache.set('c', 'C', 3600);
    expect(cache.size).to.equal(2);
    expect(cache.get('a'), 'the oldest went first').to.equal(undefined);
    now = 299_000;
    expect(cache.get('c')).to.equal('C');
    now = 300_000;
    expect(cache.get('c'), 'max-age 3600 capped at 300 s').to.equal(undefined);
  });
});
