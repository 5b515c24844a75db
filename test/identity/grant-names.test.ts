import { expect } from 'chai';
import { startConsoleStack, type ConsoleStack } from '../console/support.js';

describe('grants: a grant may name only what Tasker and the tool catalogue have (internal API, real sandbox)', function () {
  this.timeout(120_000);
  let stack: ConsoleStack;
  let agentId: string;

  before(async () => {
    stack = await startConsoleStack();
    agentId = (await stack.client.createAgent('Grant names')).id;
  });
  after(async () => {
    await stack?.close();
  });

  const create = (body: Record<string, unknown>) => stack.client.request('POST', `/agents/${agentId}/grants`, body);

  it('accepts the configured workspace, a project Tasker has (any case, or *) and catalogue tools and kinds', async () => {
    expect((await create({ workspace: 'nodedc', projects: ['ops'], tools: ['read', 'create_work_item'] })).status).to.equal(201);
    expect((await create({ workspace: 'nodedc', projects: '*', tools: ['write'], constraints: { approval_required_projects: ['PUB'], approval_required_tools: ['delete_work_item'] } })).status).to.equal(201);
  });

  it('refuses another workspace, unknown projects and unknown tools with 400 and a pointer for each, creating nothing', async () => {
    const before = (await stack.client.request('GET', `/agents/${agentId}/grants`)).body.items.length;
    const res = await create({ workspace: 'elsewhere', projects: ['OPS', 'GHOST'], tools: ['read', 'launch_rockets'], constraints: { approval_required_projects: ['NOPE'], approval_required_tools: ['write'] } });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('validation_failed');
    expect(res.body.error.fields.map((f: { pointer: string }) => f.pointer)).to.deep.equal([
      '/workspace',
      '/projects/1',
      '/tools/1',
      '/constraints/approval_required_projects/0',
      '/constraints/approval_required_tools/0',
    ]);
    expect((await stack.client.request('GET', `/agents/${agentId}/grants`)).body.items.length).to.equal(before);
  });
});
