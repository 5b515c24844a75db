import { expect } from 'chai';
import type { TaskerSandbox } from '../../../src/tasker/sandbox/index.js';
import { ADMIN_ID, MEMBER_ID, OPS, PUB, SLUG, api, itemsPath, projectPath, startForTest } from './helpers.js';

describe('tasker sandbox: authentication and permissions', () => {
  let sb: TaskerSandbox;
  before(async () => { sb = await startForTest(); });
  after(() => sb.close());

  it('answers 401 with a detail body when the X-API-Key header is missing', async () => {
    const res = await api(sb, 'GET', '/users/me/', { key: null });
    expect(res.status).to.equal(401);
    expect(res.body).to.deep.equal({ detail: 'Authentication credentials were not provided.' });
  });

  it('answers 403 "Given API token is not valid" for an unknown key', async () => {
    const res = await api(sb, 'GET', '/users/me/', { key: 'plane_api_nope' });
    expect(res.status).to.equal(403);
    expect(res.body).to.deep.equal({ detail: 'Given API token is not valid' });
  });

  it('maps each key to exactly one user', async () => {
    expect((await api(sb, 'GET', '/users/me/')).body.id).to.equal(ADMIN_ID);
    const me = await api(sb, 'GET', '/users/me/', { key: sb.apiKeys.member });
    expect(me.body).to.deep.equal({ id: MEMBER_ID, first_name: 'Bob', last_name: 'Member', email: 'bob@nodedc.example', avatar: '', avatar_url: null, display_name: 'bob' });
  });

  it('answers 403 (not 404) for work items of a project the caller is not a member of', async () => {
    const res = await api(sb, 'GET', itemsPath(PUB), { key: sb.apiKeys.member });
    expect(res.status).to.equal(403);
    expect(res.body).to.deep.equal({ detail: 'You do not have permission to perform this action.' });
  });

  it('answers 403 for an unknown project UUID and for an unknown workspace slug', async () => {
    expect((await api(sb, 'GET', itemsPath('00000000-0000-4000-a000-000000000000'))).status).to.equal(403);
    expect((await api(sb, 'GET', '/workspaces/other/projects/')).status).to.equal(403);
  });

  it('lets a project member read but rejects writes by a guest-level member', async () => {
    const guestOnly = sb.data.projectMembers.find((m) => m.project === OPS && m.member === MEMBER_ID)!;
    guestOnly.role = 5;
    try {
      expect((await api(sb, 'GET', itemsPath(OPS), { key: sb.apiKeys.member })).status).to.equal(200);
      const write = await api(sb, 'POST', itemsPath(OPS), { key: sb.apiKeys.member, body: { name: 'nope' } });
      expect(write.status).to.equal(403);
    } finally {
      guestOnly.role = 15;
    }
  });

  it('refuses workspace members to a workspace guest', async () => {
    sb.data.workspaceMembers.find((m) => m.member === MEMBER_ID)!.role = 5;
    try {
      expect((await api(sb, 'GET', `/workspaces/${SLUG}/members/`, { key: sb.apiKeys.member })).status).to.equal(403);
    } finally {
      sb.data.workspaceMembers.find((m) => m.member === MEMBER_ID)!.role = 15;
    }
  });

  it('rejects an inactive or expired key as not valid', async () => {
    const record = sb.data.apiKeys.find((k) => k.user === MEMBER_ID)!;
    record.expired_at = new Date(Date.now() - 1000).toISOString();
    try {
      expect((await api(sb, 'GET', '/users/me/', { key: sb.apiKeys.member })).status).to.equal(403);
    } finally {
      record.expired_at = null;
    }
    expect((await api(sb, 'GET', projectPath(OPS), { key: sb.apiKeys.member })).status).to.equal(200);
  });
});

describe('tasker sandbox: throttle', () => {
  let sb: TaskerSandbox;
  before(async () => { sb = await startForTest({ rateLimit: '3/minute' }); });
  after(() => sb.close());
  beforeEach(() => sb.setRateLimit('3/minute'));

  it('counts down X-RateLimit-Remaining, sends X-RateLimit-Reset, then answers 429 with Retry-After and the 5900 body', async () => {
    const before = Math.floor(Date.now() / 1000);
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i += 1) {
      const res = await api(sb, 'GET', '/users/me/');
      expect(res.status).to.equal(200);
      remaining.push(res.headers.get('x-ratelimit-remaining'));
      expect(Number(res.headers.get('x-ratelimit-reset'))).to.be.within(before + 60, before + 62);
    }
    expect(remaining).to.deep.equal(['2', '1', '0']);
    const limited = await api(sb, 'GET', '/users/me/');
    expect(limited.status).to.equal(429);
    expect(limited.body).to.deep.equal({ error_code: 5900, error_message: 'RATE_LIMIT_EXCEEDED' });
    expect(Number(limited.headers.get('retry-after'))).to.be.within(1, 60);
    expect(limited.headers.get('x-ratelimit-remaining')).to.equal(null);
  });

  it('keeps a separate window per key', async () => {
    for (let i = 0; i < 3; i += 1) await api(sb, 'GET', '/users/me/');
    expect((await api(sb, 'GET', '/users/me/')).status).to.equal(429);
    const other = await api(sb, 'GET', '/users/me/', { key: sb.apiKeys.member });
    expect(other.status).to.equal(200);
    expect(other.headers.get('x-ratelimit-remaining')).to.equal('2');
  });

  it('does not count rejected calls or failed authentications against the window', async () => {
    await api(sb, 'GET', '/users/me/', { key: null });
    await api(sb, 'GET', '/users/me/', { key: 'bogus' });
    for (let i = 0; i < 3; i += 1) expect((await api(sb, 'GET', '/users/me/')).status).to.equal(200);
    for (let i = 0; i < 3; i += 1) expect((await api(sb, 'GET', '/users/me/')).status).to.equal(429);
    sb.setRateLimit({ requests: 5, windowSeconds: 60 });
    expect((await api(sb, 'GET', '/users/me/')).headers.get('x-ratelimit-remaining')).to.equal('4');
  });

  it('refuses a malformed rate limit', () => {
    expect(() => sb.setRateLimit('often')).to.throw(/bad rate limit/);
  });
});
