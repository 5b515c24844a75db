import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { call, InternalClient, randomAddress, startTestGateway, type HttpResult, type TestGateway } from '../support/index.js';
import { startStack, type Stack } from '../e2e/support.js';

/**
 * Every endpoint against the classic bad inputs: malformed JSON, wrong types, unknown fields,
 * oversized bodies, bad UUIDs and unknown ids. Each must get the uniform error body with a 4xx
 * status, never a 500 and never a stack trace.
 */
describe('http: bad input on every endpoint', () => {
  let gw: TestGateway;
  let internal: InternalClient;
  let agentId: string;
  let tokenId: string;
  let grantId: string;
  const BODY_LIMIT = 4096;

  before(async () => {
    gw = await startTestGateway({ bodyLimitBytes: BODY_LIMIT });
    internal = new InternalClient(gw.baseUrl, gw.internalToken, 'owner-bad-input');
    agentId = (await internal.createAgent('Bad input')).id;
    tokenId = (await internal.issueToken(agentId)).token.id;
    grantId = (await internal.createGrant(agentId)).id;
  });
  after(async () => {
    await gw.close();
  });

  function expectUniformError(res: HttpResult, status: number, code?: string): void {
    expect(res.status, res.text).to.equal(status);
    expect(res.body?.error, res.text).to.be.an('object');
    expect(res.body.error.code).to.be.a('string');
    if (code) expect(res.body.error.code).to.equal(code);
    expect(res.body.error.message).to.be.a('string');
    expect(res.body.error.request_id).to.be.a('string');
    expect(res.text).not.to.match(/\bat .+\.(ts|js):\d+|stack/i);
  }

  type Surface = 'internal' | 'public';
  interface Endpoint {
    name: string;
    surface: Surface;
    method: 'POST';
    path: () => string;
    /** A body that passes validation (used to build the unknown-field and wrong-type variants). */
    valid: () => Record<string, unknown>;
    /** One field set to a value of the wrong type, and its pointer. */
    wrongType?: { field: string; value: unknown };
  }

  const send = (surface: Surface, method: string, path: string, options: { body?: unknown; raw?: string; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { 'x-forwarded-for': randomAddress(), ...options.headers };
    if (surface === 'internal') Object.assign(headers, { authorization: `Bearer ${gw.internalToken}`, 'x-acting-user': 'owner-bad-input' });
    const prefix = surface === 'internal' ? '/internal/v1' : '/api/v1';
    return call(gw.baseUrl, method, prefix + path, { ...options, headers });
  };

  const bodyEndpoints: Endpoint[] = [
    { name: 'create agent', surface: 'internal', method: 'POST', path: () => '/agents', valid: () => ({ owner_user_id: 'u1', owner_email: 'u1@example.com', display_name: 'A' }), wrongType: { field: 'display_name', value: 42 } },
    { name: 'suspend agent', surface: 'internal', method: 'POST', path: () => `/agents/${agentId}/suspend`, valid: () => ({}), wrongType: { field: 'reason', value: ['x'] } },
    { name: 'reactivate agent', surface: 'internal', method: 'POST', path: () => `/agents/${agentId}/reactivate`, valid: () => ({}), wrongType: { field: 'reason', value: {} } },
    { name: 'revoke agent', surface: 'internal', method: 'POST', path: () => `/agents/${agentId}/revoke`, valid: () => ({}), wrongType: { field: 'reason', value: 1 } },
    { name: 'issue token', surface: 'internal', method: 'POST', path: () => `/agents/${agentId}/tokens`, valid: () => ({ label: 'x' }), wrongType: { field: 'expires_in_seconds', value: 'soon' } },
    { name: 'revoke token', surface: 'internal', method: 'POST', path: () => `/agents/${agentId}/tokens/${tokenId}/revoke`, valid: () => ({}), wrongType: { field: 'reason', value: true } },
    { name: 'rotate token', surface: 'internal', method: 'POST', path: () => `/agents/${agentId}/tokens/${tokenId}/rotate`, valid: () => ({}), wrongType: { field: 'overlap_seconds', value: '60' } },
    { name: 'create grant', surface: 'internal', method: 'POST', path: () => `/agents/${agentId}/grants`, valid: () => ({ workspace: 'acme', projects: '*', tools: ['read'] }), wrongType: { field: 'tools', value: 'read' } },
    { name: 'revoke grant', surface: 'internal', method: 'POST', path: () => `/agents/${agentId}/grants/${grantId}/revoke`, valid: () => ({}), wrongType: { field: 'reason', value: null } },
    { name: 'create pairing code', surface: 'internal', method: 'POST', path: () => `/agents/${agentId}/pairing-codes`, valid: () => ({}), wrongType: { field: 'ttl_seconds', value: 'ten' } },
    { name: 'look up device flow', surface: 'internal', method: 'POST', path: () => '/pairing/flows/lookup', valid: () => ({ user_code: 'ZZZZ-ZZZZ' }), wrongType: { field: 'user_code', value: 12345678 } },
    { name: 'approve device flow', surface: 'internal', method: 'POST', path: () => '/pairing/flows/approve', valid: () => ({ user_code: 'ZZZZ-ZZZZ', agent_id: agentId }), wrongType: { field: 'agent_id', value: 7 } },
    { name: 'deny device flow', surface: 'internal', method: 'POST', path: () => '/pairing/flows/deny', valid: () => ({ user_code: 'ZZZZ-ZZZZ' }), wrongType: { field: 'user_code', value: false } },
    { name: 'exchange pairing code', surface: 'public', method: 'POST', path: () => '/pairing/exchange', valid: () => ({ code: 'ZZZZ-ZZZZ', device_name: 'x' }), wrongType: { field: 'code', value: 1234 } },
    { name: 'start device flow', surface: 'public', method: 'POST', path: () => '/pairing/flows', valid: () => ({ device_name: 'x' }), wrongType: { field: 'device_name', value: ['x'] } },
    { name: 'poll device flow', surface: 'public', method: 'POST', path: () => `/pairing/flows/${randomUUID()}/poll`, valid: () => ({ flow_secret: 'agwf_x' }), wrongType: { field: 'flow_secret', value: {} } },
  ];

  for (const endpoint of bodyEndpoints) {
    describe(`${endpoint.method} ${endpoint.name}`, () => {
      it('answers 400 invalid_json to malformed JSON', async () => {
        expectUniformError(await send(endpoint.surface, endpoint.method, endpoint.path(), { raw: '{"a": ' }), 400, 'invalid_json');
      });
      it('answers 400 with the pointer of a field of the wrong type', async () => {
        const { field, value } = endpoint.wrongType!;
        const res = await send(endpoint.surface, endpoint.method, endpoint.path(), { body: { ...endpoint.valid(), [field]: value } });
        expectUniformError(res, 400, 'validation_failed');
        expect(res.body.error.fields.map((f: { pointer: string }) => f.pointer)).to.include(`/${field}`);
      });
      it('answers 400 to a body that is not an object', async () => {
        expectUniformError(await send(endpoint.surface, endpoint.method, endpoint.path(), { raw: '[1,2]' }), 400, 'validation_failed');
      });
      it('answers 400 naming an unknown field', async () => {
        const res = await send(endpoint.surface, endpoint.method, endpoint.path(), { body: { ...endpoint.valid(), surprise: 1 } });
        expectUniformError(res, 400, 'validation_failed');
        expect(res.body.error.fields).to.deep.include({ pointer: '/surprise', message: 'unknown field' });
      });
      it('answers 413 to an oversized body', async () => {
        const res = await send(endpoint.surface, endpoint.method, endpoint.path(), { body: { ...endpoint.valid(), padding: 'x'.repeat(BODY_LIMIT * 2) } });
        expectUniformError(res, 413, 'payload_too_large');
      });
      it('answers 415 to a body that is not JSON', async () => {
        const res = await send(endpoint.surface, endpoint.method, endpoint.path(), { raw: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
        expectUniformError(res, 415, 'unsupported_media_type');
      });
    });
  }

  const idPaths: Array<{ name: string; method: string; path: (agent: string, sub: string) => string; body?: unknown }> = [
    { name: 'get agent', method: 'GET', path: (a) => `/agents/${a}` },
    { name: 'suspend agent', method: 'POST', path: (a) => `/agents/${a}/suspend`, body: {} },
    { name: 'reactivate agent', method: 'POST', path: (a) => `/agents/${a}/reactivate`, body: {} },
    { name: 'revoke agent', method: 'POST', path: (a) => `/agents/${a}/revoke`, body: {} },
    { name: 'issue token', method: 'POST', path: (a) => `/agents/${a}/tokens`, body: {} },
    { name: 'list tokens', method: 'GET', path: (a) => `/agents/${a}/tokens` },
    { name: 'revoke token', method: 'POST', path: (a, s) => `/agents/${a}/tokens/${s}/revoke`, body: {} },
    { name: 'rotate token', method: 'POST', path: (a, s) => `/agents/${a}/tokens/${s}/rotate`, body: {} },
    { name: 'create grant', method: 'POST', path: (a) => `/agents/${a}/grants`, body: { workspace: 'acme', projects: '*', tools: ['read'] } },
    { name: 'list grants', method: 'GET', path: (a) => `/agents/${a}/grants` },
    { name: 'revoke grant', method: 'POST', path: (a, s) => `/agents/${a}/grants/${s}/revoke`, body: {} },
    { name: 'create pairing code', method: 'POST', path: (a) => `/agents/${a}/pairing-codes`, body: {} },
  ];

  for (const endpoint of idPaths) {
    describe(`${endpoint.method} ${endpoint.name} ids`, () => {
      it('answers 400 to a malformed UUID', async () => {
        const res = await send('internal', endpoint.method, endpoint.path('not-a-uuid', 'also-not'), endpoint.body ? { body: endpoint.body } : {});
        expectUniformError(res, 400, 'invalid_request');
        expect(res.body.error.fields[0].pointer).to.equal('/agent_id');
      });
      it('answers 404 to an unknown id', async () => {
        const res = await send('internal', endpoint.method, endpoint.path(randomUUID(), randomUUID()), endpoint.body ? { body: endpoint.body } : {});
        expectUniformError(res, 404, 'not_found');
      });
      if (endpoint.path('a', 'b').split('/').length > 4) {
        it('answers 400 to a malformed sub-resource UUID and 404 to one that belongs to no such agent', async () => {
          const bad = await send('internal', endpoint.method, endpoint.path(agentId, 'nope'), endpoint.body ? { body: endpoint.body } : {});
          expectUniformError(bad, 400, 'invalid_request');
          const unknown = await send('internal', endpoint.method, endpoint.path(agentId, randomUUID()), endpoint.body ? { body: endpoint.body } : {});
          expectUniformError(unknown, 404, 'not_found');
        });
      }
    });
  }

  describe('query strings', () => {
    const queries: Array<[string, string]> = [
      ['/agents?limit=0', '/limit'],
      ['/agents?limit=abc', '/limit'],
      ['/agents?status=sleeping', '/status'],
      ['/agents?cursor=!!!', '/cursor'],
      ['/agents?owner=x', '/owner'],
      ['/audit?agent_id=nope', '/agent_id'],
      ['/audit?since=yesterday', '/since'],
      ['/audit?limit=1000', '/limit'],
      ['/audit?color=blue', '/color'],
      [`/agents/${'00000000-0000-4000-8000-000000000000'}/grants?include_inactive=maybe`, '/include_inactive'],
    ];
    for (const [path, pointer] of queries) {
      it(`answers 400 to ${path} naming ${pointer}`, async () => {
        const res = await send('internal', 'GET', path);
        expectUniformError(res, 400);
        expect(res.body.error.fields.map((f: { pointer: string }) => f.pointer)).to.include(pointer);
      });
    }
    it('answers 400 to a well-formed but forged cursor', async () => {
      const forged = Buffer.from(JSON.stringify({ t: 'x', id: 1 })).toString('base64url');
      for (const path of [`/agents?cursor=${forged}`, `/audit?cursor=${forged}`]) expectUniformError(await send('internal', 'GET', path), 400, 'invalid_request');
    });
  });

  describe('values PostgreSQL cannot store, and shapes beyond the limits', () => {
    const hostileBodies: Array<[string, string, string]> = [
      ['NUL in a value', '{"device_name":"laptop\\u0000"}', '/device_name'],
      ['NUL as a key', '{"device_name":"x","\\u0000":1}', '/\u0000'],
      ['a lone surrogate', '{"device_name":"\\ud800"}', '/device_name'],
      ['1e999', '{"device_name":"x","n":1e999}', '/n'],
      ['JSON 1,500 levels deep', `{"device_name":"x","d":${'['.repeat(1500)}${']'.repeat(1500)}}`, `/d${'/0'.repeat(31)}`],
    ];
    for (const [name, raw, pointer] of hostileBodies) {
      it(`answers 400 validation_failed naming ${JSON.stringify(pointer).slice(0, 24)} to ${name} in a public body`, async () => {
        const res = await send('public', 'POST', '/pairing/flows', { raw });
        expectUniformError(res, 400, 'validation_failed');
        expect(res.body.error.fields[0].pointer).to.equal(pointer);
      });
    }
    it('answers 400 to NUL or a lone surrogate in an internal body and query string', async () => {
      const body = await internal.request('POST', '/agents', { owner_user_id: 'u1', owner_email: 'u1@example.com', display_name: 'A\u0000' });
      expectUniformError(body, 400, 'validation_failed');
      expect(body.body.error.fields[0].pointer).to.equal('/display_name');
      const query = await send('internal', 'GET', '/audit?kind=agent.%00');
      expectUniformError(query, 400, 'validation_failed');
      expect(query.body.error.fields[0].pointer).to.equal('/kind');
    });
  });

  describe('the internal API guard', () => {
    it('refuses a request without the service token, with a wrong one, or without an acting user', async () => {
      const path = '/internal/v1/agents';
      expectUniformError(await call(gw.baseUrl, 'GET', path, { headers: { 'x-acting-user': 'u1' } }), 401, 'unauthenticated');
      expectUniformError(await call(gw.baseUrl, 'GET', path, { headers: { authorization: `Bearer ${gw.internalToken}x`, 'x-acting-user': 'u1' } }), 401, 'unauthenticated');
      expectUniformError(await call(gw.baseUrl, 'GET', path, { headers: { authorization: `Bearer ${gw.internalToken}` } }), 401, 'unauthenticated');
      expectUniformError(await call(gw.baseUrl, 'GET', path, { headers: { authorization: `Bearer ${gw.internalToken}`, 'x-acting-user': 'bad user!' } }), 401, 'unauthenticated');
      const ok = await call(gw.baseUrl, 'GET', path, { headers: { 'x-internal-token': gw.internalToken, 'x-acting-user': 'u1' } });
      expect(ok.status).to.equal(200);
    });

    it('checks the guard before the body, so anonymous callers learn nothing about validation', async () => {
      expectUniformError(await call(gw.baseUrl, 'POST', '/internal/v1/agents', { raw: '{bad' }), 401, 'unauthenticated');
    });
  });

  describe('everything else', () => {
    it('answers 404 with the uniform body to an unknown route', async () => {
      expectUniformError(await call(gw.baseUrl, 'GET', '/nowhere'), 404, 'not_found');
      expectUniformError(await call(gw.baseUrl, 'DELETE', '/api/v1/me'), 404, 'not_found');
    });
    it('answers 400, not 500, to a broken percent-encoding in the path and to a corrupt compressed body', async () => {
      expectUniformError(await send('internal', 'GET', '/agents/%ZZ'), 400, 'invalid_request');
      expectUniformError(await send('public', 'POST', '/pairing/flows/%E0%A4%A/poll', { body: { flow_secret: 'x' } }), 400, 'invalid_request');
      expectUniformError(await send('public', 'POST', '/pairing/flows', { raw: '{"device_name":"x"}', headers: { 'content-encoding': 'br' } }), 400, 'invalid_request');
      expectUniformError(await send('public', 'POST', '/pairing/flows', { raw: '{"device_name":"x"}', headers: { 'content-type': 'application/json; charset=latin9' } }), 415, 'unsupported_media_type');
    });
    it('answers 401 to /api/v1/me without a token', async () => {
      const res = await call(gw.baseUrl, 'GET', '/api/v1/me');
      expectUniformError(res, 401, 'unauthenticated');
      expect(res.headers.get('www-authenticate')).to.match(/^Bearer/);
    });
    it('answers 409 to state changes that make no sense (grant for a revoked agent, rotate a revoked token)', async () => {
      const agent = await internal.createAgent('Conflicts');
      const issued = await internal.issueToken(agent.id);
      await internal.request('POST', `/agents/${agent.id}/tokens/${issued.token.id}/revoke`);
      expectUniformError(await internal.request('POST', `/agents/${agent.id}/tokens/${issued.token.id}/rotate`, {}), 409, 'conflict');
      await internal.request('POST', `/agents/${agent.id}/revoke`);
      expectUniformError(await internal.request('POST', `/agents/${agent.id}/grants`, { workspace: 'acme', projects: '*', tools: ['read'] }), 409, 'conflict');
      expectUniformError(await internal.request('POST', `/agents/${agent.id}/tokens`, {}), 409, 'conflict');
    });
    it('refuses grant constraints outside the constraint schema, naming the field', async () => {
      const res = await internal.request('POST', `/agents/${agentId}/grants`, { workspace: 'acme', projects: ['WEB'], tools: ['write'], constraints: { write_budget_per_hour: -1, approve_everything: true } });
      expectUniformError(res, 400, 'validation_failed');
      const pointers = res.body.error.fields.map((f: { pointer: string }) => f.pointer);
      expect(pointers).to.include.members(['/constraints/write_budget_per_hour', '/constraints/approve_everything']);
    });
    it('refuses a token expiry in the past and both expiry forms at once', async () => {
      expectUniformError(await internal.request('POST', `/agents/${agentId}/tokens`, { expires_at: '2000-01-01T00:00:00Z' }), 400, 'validation_failed');
      expectUniformError(await internal.request('POST', `/agents/${agentId}/tokens`, { expires_at: '2100-01-01T00:00:00Z', expires_in_seconds: 600 }), 400, 'validation_failed');
    });
  });

  /**
   * Issue 14, section 3: with a Tasker behind it (the sandbox: workspace nodedc, projects OPS and
   * PUB), a grant may name only what this gateway serves. Each bad value is a 400 naming its
   * pointer, and nothing is created.
   */
  describe('grants that name what this gateway does not serve (Tasker sandbox behind it)', function () {
    this.timeout(120_000);
    let stack: Stack;
    let granted: string;
    before(async () => {
      stack = await startStack([]);
      granted = (await stack.client.createAgent('Grant names')).id;
    });
    after(async () => {
      await stack?.close();
    });

    const rows: Array<{ what: string; grant: Record<string, unknown>; pointers: string[] }> = [
      { what: 'a workspace the gateway does not serve (the old docs example acme)', grant: { workspace: 'acme', projects: '*', tools: ['read'] }, pointers: ['/workspace'] },
      { what: 'a project Tasker does not have', grant: { workspace: 'nodedc', projects: ['OPS', 'GHOST'], tools: ['read'] }, pointers: ['/projects/1'] },
      { what: 'a tool with a typo', grant: { workspace: 'nodedc', projects: ['OPS'], tools: ['reed'] }, pointers: ['/tools/0'] },
      { what: 'a kind that does not exist', grant: { workspace: 'nodedc', projects: '*', tools: ['read', 'admin'] }, pointers: ['/tools/1'] },
      { what: 'a constraint naming an unknown project and a kind where a tool belongs', grant: { workspace: 'nodedc', projects: '*', tools: ['write'], constraints: { approval_required_projects: ['NOPE'], approval_required_tools: ['write'] } }, pointers: ['/constraints/approval_required_projects/0', '/constraints/approval_required_tools/0'] },
      { what: 'everything at once', grant: { workspace: 'elsewhere', projects: ['GHOST'], tools: ['reed'] }, pointers: ['/workspace', '/projects/0', '/tools/0'] },
    ];
    for (const row of rows) {
      it(`answers 400 to ${row.what}, naming ${row.pointers.join(', ')}, and creates nothing`, async () => {
        const before = (await stack.client.request('GET', `/agents/${granted}/grants`)).body.items.length;
        const res = await stack.client.request('POST', `/agents/${granted}/grants`, row.grant);
        expectUniformError(res, 400, 'validation_failed');
        expect(res.body.error.fields.map((f: { pointer: string }) => f.pointer)).to.deep.equal(row.pointers);
        expect((await stack.client.request('GET', `/agents/${granted}/grants`)).body.items.length).to.equal(before);
      });
    }

    it('accepts the same grants once they name what the gateway serves (project identifiers in any case)', async () => {
      const res = await stack.client.request('POST', `/agents/${granted}/grants`, { workspace: 'nodedc', projects: ['ops', 'PUB'], tools: ['read', 'create_work_item'] });
      expect(res.status, res.text).to.equal(201);
    });
  });
});
