import { expect } from 'chai';
import { verifyChain } from '../../src/audit/index.js';
import { SANDBOX_SEED } from '../../src/tasker/index.js';
import { READ_OPS, WORKSPACE, WRITE_OPS, decisionEvents, newAgent, rest, sandboxItems, startStack, type Stack } from './support.js';

describe('e2e over agent REST: the same scenarios through /api/v1', function () {
  this.timeout(180_000);
  let stack: Stack;

  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack?.close();
  });
  afterEach(() => stack.sandbox.faults.reset());

  it('serves a granted read and denies what the grant does not cover, with reason codes', async () => {
    const { token } = await newAgent(stack, { workspace: WORKSPACE, projects: ['OPS'], tools: ['list_work_items'] });
    const list = await rest(stack, token, 'GET', '/projects/OPS/work-items?state_group=backlog,unstarted,started,completed&limit=50');
    expect(list.status, list.text).to.equal(200);
    expect(list.headers.get('x-decision-id')).to.be.a('string');
    expect(list.body.items.map((i: { human_id: string }) => i.human_id)).to.include('OPS-1');
    const other = await rest(stack, token, 'GET', '/work-items/OPS-1');
    expect(other.status).to.equal(403);
    expect(other.body.error.code).to.equal('denied');
    const write = await rest(stack, token, 'POST', '/projects/OPS/work-items', { name: 'rest denied write' });
    expect(write.status).to.equal(403);
    expect(write.body.error.reasons.map((r: { code: string }) => r.code)).to.include('no_matching_grant');
    expect(write.body.error.request_id).to.equal(write.headers.get('x-request-id'));
    expect(sandboxItems(stack, 'rest denied write')).to.equal(0);
  });

  it('maps path, query and body to arguments and reports bad ones as JSON pointers', async () => {
    const { token } = await newAgent(stack, READ_OPS);
    const bad = await rest(stack, token, 'GET', '/projects/OPS/work-items?limit=many&priority=soon');
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal('validation_failed');
    const pointers = bad.body.error.fields.map((f: { pointer: string }) => f.pointer);
    expect(pointers).to.include('/limit');
    expect(pointers.some((p: string) => p.startsWith('/priority'))).to.equal(true);
    const search = await rest(stack, token, 'GET', '/work-items/search?query=gateway');
    expect(search.status, search.text).to.equal(200);
  });

  it('answers 202 for an action that needs approval, and reports it done after the owner approves', async () => {
    const { token } = await newAgent(stack, WRITE_OPS);
    const parked = await rest(stack, token, 'DELETE', '/work-items/OPS-2', { reason: 'obsolete' });
    expect(parked.status, parked.text).to.equal(202);
    expect(parked.body.status).to.equal('approval_pending');
    expect(parked.headers.get('location')).to.equal(`/api/v1/actions/${parked.body.action_id}`);
    const pending = await rest(stack, token, 'GET', `/actions/${parked.body.action_id}`);
    expect(pending.body.status).to.equal('pending');
    const approved = await stack.client.request('POST', `/approvals/${parked.body.action_id}/approve`, {});
    expect(approved.status, approved.text).to.equal(200);
    const done = await rest(stack, token, 'GET', `/actions/${parked.body.action_id}`);
    expect(done.body.status).to.equal('succeeded');
    const item = stack.sandbox.data.workItems.find((w) => w.id === SANDBOX_SEED.workItems['OPS-2'].id);
    expect(item === undefined || item.deleted_at !== null).to.equal(true);
  });

  it('creates one work item when a POST is retried with the same Idempotency-Key header', async () => {
    const { token } = await newAgent(stack, WRITE_OPS);
    const headers = { 'idempotency-key': 'rest-create-0001' };
    const first = await rest(stack, token, 'POST', '/projects/OPS/work-items', { name: 'rest idempotent create' }, headers);
    const second = await rest(stack, token, 'POST', '/projects/OPS/work-items', { name: 'rest idempotent create' }, headers);
    expect(first.status, first.text).to.equal(201);
    // The replay answers as the create did.
    expect(second.status, second.text).to.equal(201);
    expect(second.body.work_item.id).to.equal(first.body.work_item.id);
    expect(sandboxItems(stack, 'rest idempotent create')).to.equal(1);
    const conflicting = await rest(stack, token, 'POST', '/projects/OPS/work-items', { name: 'x', idempotency_key: 'another-key-0001' }, headers);
    expect(conflicting.status).to.equal(400);
  });

  it('rides out one Tasker 503 and answers 200', async () => {
    const { token } = await newAgent(stack, READ_OPS);
    stack.sandbox.faults.failNext(1, { status: 503 });
    const res = await rest(stack, token, 'GET', '/projects/OPS/labels');
    expect(res.status, res.text).to.equal(200);
    expect(stack.sandbox.faults.stats.failed).to.equal(1);
  });

  it('answers 502 tasker_unavailable when Tasker is down (every request answered 503), with the outcome recorded and nothing written', async () => {
    const { token, agentId } = await newAgent(stack, WRITE_OPS);
    // A dropped connection after the request was sent is an unknown outcome (test/e2e/write-outcomes.test.ts);
    // a Tasker that answers 503 to everything is down for certain: nothing was applied.
    stack.sandbox.faults.failNext(100, { status: 503 });
    const res = await rest(stack, token, 'POST', '/work-items/OPS-1/comments', { body: 'rest while down' }, { 'idempotency-key': 'rest-down-0001' });
    stack.sandbox.faults.reset();
    expect(res.status).to.equal(502);
    expect(res.body.error.code).to.equal('tasker_unavailable');
    const events = await decisionEvents(stack, agentId, res.body.error.context.decision_id);
    expect(events.map((e) => e.kind)).to.deep.equal(['decision', 'outcome']);
    expect(events[1]!.outcome).to.equal('failure');
    expect(events[1]!.detail.error_code).to.equal('tasker_unavailable');
    expect(stack.sandbox.data.comments.filter((c) => c.comment_html.includes('rest while down'))).to.have.length(0);
  });

  it('answers 401 once the token is revoked', async () => {
    const { token, agentId, tokenId } = await newAgent(stack, READ_OPS);
    expect((await rest(stack, token, 'GET', '/whoami')).status).to.equal(200);
    await stack.client.request('POST', `/agents/${agentId}/tokens/${tokenId}/revoke`, {});
    const res = await rest(stack, token, 'GET', '/whoami');
    expect(res.status).to.equal(401);
    expect(res.body.error.code).to.equal('unauthenticated');
  });

  it('explains a call the way the real call then goes', async () => {
    const { token } = await newAgent(stack, READ_OPS);
    const explained = await rest(stack, token, 'POST', '/explain', { tool: 'transition_work_item', arguments: { work_item: 'OPS-1', state_group: 'started' } });
    expect(explained.status, explained.text).to.equal(200);
    expect(explained.body.decision).to.equal('deny');
    const real = await rest(stack, token, 'POST', '/work-items/OPS-1/transition', { state_group: 'started' });
    expect(real.status).to.equal(403);
    expect(real.body.error.reasons.map((r: { code: string }) => r.code).sort()).to.deep.equal(explained.body.reasons.map((r: { code: string }) => r.code).sort());
  });

  it('answers every route of its OpenAPI document (no route is a 404), and 405 for a wrong method', async () => {
    const doc = await fetch(`${stack.baseUrl}/api/v1/openapi.json`).then((r) => r.json() as Promise<{ paths: Record<string, Record<string, unknown>> }>);
    const { token } = await newAgent(stack);
    const values: Record<string, string> = { project: 'OPS', work_item: 'OPS-1', action_id: '00000000-0000-4000-8000-000000000000' };
    let tools = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      const concrete = path.replace(/\{(\w+)\}/g, (_m, name: string) => values[name] ?? 'x');
      for (const method of Object.keys(item)) {
        const res = await rest(stack, token, method.toUpperCase(), concrete, method === 'get' ? undefined : {});
        const routeMissing = res.status === 404 && String(res.body?.error?.message).startsWith('No route');
        expect(routeMissing, `${method.toUpperCase()} ${concrete}: ${res.text}`).to.equal(false);
        expect(res.body?.error?.code ?? 'ok', `${method} ${path}`).to.not.equal('internal_error');
        // Besides the tools, the document describes /me, the pairing endpoints and capabilities.
        if ((item[method] as Record<string, unknown>)['x-mcp-tool']) tools += 1;
      }
    }
    expect(tools).to.equal(stack.context.registry.names().length);
    const wrong = await rest(stack, token, 'PUT', '/projects/OPS/work-items', {});
    expect(wrong.status).to.equal(405);
    expect(wrong.headers.get('allow')).to.equal('GET, POST');
  });

  it('leaves an audit chain in which every record of the run verifies', async () => {
    const verdict = await verifyChain(stack.gw.gateway.deps.orm.em.fork());
    expect(verdict, JSON.stringify(verdict)).to.include({ ok: true });
    expect(verdict.checked).to.be.greaterThan(20);
  });
});
