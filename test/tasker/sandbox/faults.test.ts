import { expect } from 'chai';
import type { TaskerSandbox } from '../../../src/tasker/sandbox/index.js';
import { OPS, api, itemsPath, startForTest } from './helpers.js';

describe('tasker sandbox: fault injection', () => {
  let sb: TaskerSandbox;
  before(async () => { sb = await startForTest(); });
  after(() => sb.close());
  afterEach(() => sb.faults.reset());

  it('answers a burst of N requests with 429, Retry-After and the 5900 body, then serves normally', async () => {
    sb.faults.throttleNext(2, { retryAfterSeconds: 3 });
    for (let i = 0; i < 2; i += 1) {
      const res = await api(sb, 'GET', '/users/me/');
      expect(res.status).to.equal(429);
      expect(res.headers.get('retry-after')).to.equal('3');
      expect(res.body).to.deep.equal({ error_code: 5900, error_message: 'RATE_LIMIT_EXCEEDED' });
    }
    expect((await api(sb, 'GET', '/users/me/')).status).to.equal(200);
  });

  it('answers the next N requests with a proxy 5xx page, in the order the faults were added', async () => {
    sb.faults.failNext(1, { status: 502 });
    sb.faults.failNext(1);
    sb.faults.failNext(1, { status: 504 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await api(sb, 'GET', '/users/me/')).status);
    expect(statuses).to.deep.equal([502, 503, 504, 200]);
  });

  it('drops the connection without an answer', async () => {
    sb.faults.dropNext(1);
    let failure: unknown;
    try {
      await api(sb, 'GET', '/users/me/');
    } catch (err) {
      failure = err;
    }
    expect(failure).to.be.instanceOf(TypeError);
    expect(sb.faults.stats.dropped).to.be.greaterThan(0);
    expect((await api(sb, 'GET', '/users/me/')).status).to.equal(200);
  });

  it('limits faults to a path pattern and to methods', async () => {
    sb.faults.failNext(1, { path: /\/work-items\/$/, methods: ['POST'] });
    expect((await api(sb, 'GET', '/users/me/')).status).to.equal(200);
    expect((await api(sb, 'GET', itemsPath(OPS))).status).to.equal(200);
    expect((await api(sb, 'POST', itemsPath(OPS), { body: { name: 'x' } })).status).to.equal(503);
    expect((await api(sb, 'POST', itemsPath(OPS), { body: { name: 'x' } })).status).to.equal(201);
    expect(sb.faults.pending).to.equal(0);
  });

  it('adds latency to matching requests and still answers them', async () => {
    sb.faults.setLatency(30, { path: '/users/me/' });
    const before = sb.faults.stats.delayed;
    expect((await api(sb, 'GET', '/users/me/')).status).to.equal(200);
    expect((await api(sb, 'GET', itemsPath(OPS))).status).to.equal(200);
    expect(sb.faults.stats.delayed).to.equal(before + 1);
  });

  it('takes a fault plan from the start options and from configure()', async () => {
    const other = await startForTest({ faults: { errors: { count: 1, status: 502 }, throttle: { count: 1 } } });
    try {
      expect((await api(other, 'GET', '/users/me/')).status).to.equal(429);
      expect((await api(other, 'GET', '/users/me/')).status).to.equal(502);
      other.faults.configure({ drops: { count: 1 }, path: '/nowhere/' });
      expect((await api(other, 'GET', '/users/me/')).status).to.equal(200);
      expect(other.faults.stats).to.include({ throttled: 1, failed: 1, dropped: 0 });
    } finally {
      await other.close();
    }
  });
});
