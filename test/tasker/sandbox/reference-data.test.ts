import { expect } from 'chai';
import type { TaskerSandbox } from '../../../src/tasker/sandbox/index.js';
import { labelId, stateId } from '../../../src/tasker/sandbox/seed.js';
import { ADMIN_ID, GUEST_ID, MEMBER_ID, OPS, PUB, SANDBOX_SEED, SLUG, api, projectPath, startForTest } from './helpers.js';

describe('tasker sandbox: projects', () => {
  let sb: TaskerSandbox;
  before(async () => { sb = await startForTest(); });
  after(() => sb.close());

  it('lists the caller projects plus public ones, with is_member false on public projects the caller is not in', async () => {
    const member = await api(sb, 'GET', `/workspaces/${SLUG}/projects/`, { key: sb.apiKeys.member });
    const rows = member.body.results.map((p: { identifier: string; is_member: boolean; member_role: number | null }) => [p.identifier, p.is_member, p.member_role]);
    expect(rows).to.deep.equal([['OPS', true, 15], ['PUB', false, null]]);
    const admin = await api(sb, 'GET', `/workspaces/${SLUG}/projects/`);
    expect(admin.body.results.map((p: { identifier: string }) => p.identifier)).to.deep.equal(['OPS', 'PUB']);
    expect(admin.body.results[0]).to.include({ network: 0, total_members: 3, total_cycles: 1, total_modules: 1, is_member: true, member_role: 20, archived_at: null, timezone: 'UTC' });
    expect(admin.body.results[0]).to.have.property('sort_order');
  });

  it('gets a visible project (without sort_order) and answers 404 for a secret project the caller is not in', async () => {
    const pub = await api(sb, 'GET', projectPath(PUB), { key: sb.apiKeys.member });
    expect(pub.status).to.equal(200);
    expect(pub.body).to.include({ identifier: 'PUB', is_member: false });
    expect(pub.body).to.not.have.property('sort_order');
    sb.data.projectMembers.find((m) => m.project === OPS && m.member === MEMBER_ID)!.is_active = false;
    try {
      expect((await api(sb, 'GET', projectPath(OPS), { key: sb.apiKeys.member })).status).to.equal(404);
    } finally {
      sb.data.projectMembers.find((m) => m.project === OPS && m.member === MEMBER_ID)!.is_active = true;
    }
  });

  it('answers project members as a bare UserLite array under members/ and project-members/', async () => {
    const res = await api(sb, 'GET', projectPath(OPS, 'members/'));
    expect(res.body).to.be.an('array');
    expect(res.body.map((u: { id: string }) => u.id)).to.deep.equal([ADMIN_ID, MEMBER_ID, GUEST_ID]);
    expect(Object.keys(res.body[0]).sort()).to.deep.equal(['avatar', 'avatar_url', 'display_name', 'email', 'first_name', 'id', 'last_name']);
    expect((await api(sb, 'GET', projectPath(OPS, 'project-members/'))).body).to.deep.equal(res.body);
  });

  it('answers workspace members as a bare array with roles', async () => {
    const res = await api(sb, 'GET', `/workspaces/${SLUG}/members/`, { key: sb.apiKeys.member });
    expect(res.body.map((u: { email: string; role: number }) => [u.email, u.role])).to.deep.equal([
      ['alice@nodedc.example', 20], ['bob@nodedc.example', 15], ['gus@nodedc.example', 5],
    ]);
  });
});

describe('tasker sandbox: states and labels', () => {
  let sb: TaskerSandbox;
  before(async () => { sb = await startForTest(); });
  after(() => sb.close());

  it('lists the five default states by sequence, triage hidden, Backlog the default', async () => {
    const res = await api(sb, 'GET', projectPath(OPS, 'states/'));
    expect(res.body.results.map((s: { name: string; group: string; sequence: number }) => [s.name, s.group, s.sequence])).to.deep.equal([
      ['Backlog', 'backlog', 15000], ['Todo', 'unstarted', 25000], ['In Progress', 'started', 35000], ['Done', 'completed', 45000], ['Cancelled', 'cancelled', 55000],
    ]);
    expect(res.body.results.filter((s: { default: boolean }) => s.default).map((s: { name: string }) => s.name)).to.deep.equal(['Backlog']);
    expect((await api(sb, 'GET', projectPath(OPS, `states/${stateId('OPS', 'Triage')}/`))).status).to.equal(404);
  });

  it('creates a state with 200, refuses a duplicate name with 409, and protects the default state', async () => {
    const created = await api(sb, 'POST', projectPath(OPS, 'states/'), { body: { name: 'Review', group: 'started', color: '#123456' } });
    expect(created.status).to.equal(200);
    expect(created.body).to.include({ name: 'Review', group: 'started', default: false });
    const dup = await api(sb, 'POST', projectPath(OPS, 'states/'), { body: { name: 'Review', group: 'started' } });
    expect(dup.status).to.equal(409);
    expect(dup.body.id).to.equal(created.body.id);
    expect((await api(sb, 'DELETE', projectPath(OPS, `states/${stateId('OPS', 'Backlog')}/`))).body).to.deep.equal({ error: 'Default state cannot be deleted' });
    expect((await api(sb, 'DELETE', projectPath(OPS, `states/${created.body.id}/`))).status).to.equal(204);
  });

  it('lists labels newest first and answers a duplicate name with 409 and the existing id', async () => {
    const list = await api(sb, 'GET', projectPath(OPS, 'labels/'));
    expect(list.body.results.map((l: { name: string }) => l.name)).to.deep.equal(['infra', 'feature', 'bug']);
    const dup = await api(sb, 'POST', projectPath(OPS, 'labels/'), { body: { name: 'bug' } });
    expect(dup.status).to.equal(409);
    expect(dup.body).to.deep.equal({ error: 'Label with the same name already exists in the project', id: labelId('OPS', 'bug') });
    const created = await api(sb, 'POST', projectPath(OPS, 'labels/'), { body: { name: 'docs', color: '#00ff00' } });
    expect(created.status).to.equal(201);
    expect((await api(sb, 'GET', projectPath(OPS, 'labels/'))).body.results[0].name).to.equal('docs');
  });

  it('deleting a label removes it from work items', async () => {
    expect((await api(sb, 'DELETE', projectPath(OPS, `labels/${labelId('OPS', 'infra')}/`))).status).to.equal(204);
    const item = await api(sb, 'GET', projectPath(OPS, `work-items/${SANDBOX_SEED.workItems['OPS-1'].id}/`));
    expect(item.body.labels).to.deep.equal([]);
  });
});
