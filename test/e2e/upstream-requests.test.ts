import { expect } from 'chai';
import { SANDBOX_SEED } from '../../src/tasker/index.js';
import { WORKSPACE, newAgent, rest, startStack, type Stack } from './support.js';

/**
 * Issue 14, section 2: Plane allows an API key 60 requests a minute, so every Tasker request a
 * tool spends is a sixtieth of the agent's minute. In the steady state (the tool was used before,
 * so the gateway's caches are warm) a read costs at most 1 Tasker request and a write at most 2.
 * Each tool runs once through the whole gateway over REST and the sandbox counts what reached it.
 */
const READ_BUDGET = 1;
const WRITE_BUDGET = 2;
const CYCLE = SANDBOX_SEED.cycle.id;
const MODULE = SANDBOX_SEED.module.id;

interface Step {
  tool: string;
  budget: number;
  method: string;
  path: string | ((ctx: Ctx) => string);
  body?: Record<string, unknown> | ((ctx: Ctx, round: number) => Record<string, unknown>);
  status?: number;
  /** A destructive tool is parked; the count covers its run after the owner approves. */
  approve?: boolean;
}

interface Ctx {
  item: string;
  child: string;
  doomed: string[];
}

const WORK_ITEM_FIELDS = { state: 'Todo', labels: ['bug', 'infra'], assignees: ['alice@nodedc.example'], priority: 'high' };

const STEPS: Step[] = [
  { tool: 'list_projects', budget: READ_BUDGET, method: 'GET', path: '/projects' },
  { tool: 'get_project', budget: READ_BUDGET, method: 'GET', path: '/projects/OPS' },
  { tool: 'list_work_items', budget: READ_BUDGET, method: 'GET', path: '/projects/OPS/work-items?state_group=unstarted,started&label=bug&assignee=alice@nodedc.example&state=Todo' },
  { tool: 'get_work_item', budget: READ_BUDGET, method: 'GET', path: (c) => `/work-items/${c.item}` },
  { tool: 'search_work_items', budget: READ_BUDGET, method: 'GET', path: '/work-items/search?query=gateway' },
  { tool: 'list_comments', budget: READ_BUDGET, method: 'GET', path: (c) => `/work-items/${c.item}/comments` },
  { tool: 'list_states', budget: READ_BUDGET, method: 'GET', path: '/projects/OPS/states' },
  { tool: 'list_labels', budget: READ_BUDGET, method: 'GET', path: '/projects/OPS/labels' },
  { tool: 'list_members', budget: READ_BUDGET, method: 'GET', path: '/projects/OPS/members' },
  { tool: 'list_cycles', budget: READ_BUDGET, method: 'GET', path: '/projects/OPS/cycles' },
  { tool: 'list_modules', budget: READ_BUDGET, method: 'GET', path: '/projects/OPS/modules' },
  {
    tool: 'create_work_item', budget: WRITE_BUDGET, method: 'POST', path: '/projects/OPS/work-items', status: 201,
    body: (_c, round) => ({ name: `upstream count ${round}`, ...WORK_ITEM_FIELDS, idempotency_key: `upstream-create-${round}` }),
  },
  {
    tool: 'update_work_item', budget: WRITE_BUDGET, method: 'PATCH', path: (c) => `/work-items/${c.item}`,
    body: (_c, round) => ({ name: `counted update ${round}`, description: `round ${round}`, state: round ? 'In Progress' : 'Todo', labels: ['feature'], assignees: ['alice@nodedc.example'] }),
  },
  {
    tool: 'transition_work_item', budget: WRITE_BUDGET, method: 'POST', path: (c) => `/work-items/${c.item}/transition`,
    body: (_c, round) => ({ state_group: round ? 'completed' : 'started' }),
  },
  { tool: 'add_comment', budget: WRITE_BUDGET, method: 'POST', path: (c) => `/work-items/${c.item}/comments`, status: 201, body: (_c, round) => ({ body: `counted comment ${round}` }) },
  { tool: 'add_work_item_to_cycle', budget: WRITE_BUDGET, method: 'POST', path: (c) => `/work-items/${c.item}/cycle`, body: { cycle: CYCLE } },
  { tool: 'add_work_item_to_module', budget: WRITE_BUDGET, method: 'POST', path: (c) => `/work-items/${c.item}/modules`, body: { module: MODULE } },
  { tool: 'list_cycle_work_items', budget: READ_BUDGET, method: 'GET', path: `/projects/OPS/cycles/${CYCLE}/work-items` },
  { tool: 'list_module_work_items', budget: READ_BUDGET, method: 'GET', path: `/projects/OPS/modules/${MODULE}/work-items` },
  { tool: 'list_work_items', budget: READ_BUDGET, method: 'GET', path: `/projects/OPS/work-items?cycle=${CYCLE}&state_group=started,completed` },
  { tool: 'update_work_item', budget: WRITE_BUDGET, method: 'PATCH', path: (c) => `/work-items/${c.child}`, body: (c, round) => ({ parent: round ? c.item : null }) },
  { tool: 'list_sub_work_items', budget: READ_BUDGET, method: 'GET', path: (c) => `/work-items/${c.item}/sub-items` },
  {
    tool: 'add_work_item_link', budget: WRITE_BUDGET, method: 'POST', path: (c) => `/work-items/${c.item}/links`, status: 201,
    body: (_c, round) => ({ url: `https://git.example.com/org/repo/pull/${round + 1}`, title: `PR ${round + 1}` }),
  },
  { tool: 'list_work_item_links', budget: READ_BUDGET, method: 'GET', path: (c) => `/work-items/${c.item}/links` },
  { tool: 'list_work_item_activity', budget: READ_BUDGET, method: 'GET', path: (c) => `/work-items/${c.item}/activity` },
  { tool: 'remove_work_item_from_cycle', budget: WRITE_BUDGET, method: 'DELETE', path: (c) => `/work-items/${c.item}/cycles/${CYCLE}` },
  { tool: 'remove_work_item_from_module', budget: WRITE_BUDGET, method: 'DELETE', path: (c) => `/work-items/${c.item}/modules/${MODULE}` },
  { tool: 'delete_work_item', budget: WRITE_BUDGET, method: 'DELETE', path: (c) => `/work-items/${c.doomed.shift()}`, approve: true },
];

describe('e2e: Tasker requests per tool in the steady state (issue 14, section 2)', function () {
  this.timeout(180_000);
  let stack: Stack;
  let token: string;
  const ctx: Ctx = { item: '', child: '', doomed: [] };
  const counts: Record<string, number> = {};

  before(async () => {
    stack = await startStack();
    token = (await newAgent(stack, { workspace: WORKSPACE, projects: ['OPS'], tools: ['read', 'write', 'destructive'] })).token;
    const created = async (name: string) => {
      const res = await rest(stack, token, 'POST', '/projects/OPS/work-items', { name });
      expect(res.status, res.text).to.equal(201);
      return res.body.work_item.human_id as string;
    };
    ctx.item = await created('upstream count subject');
    ctx.child = await created('upstream count child');
    ctx.doomed = [await created('upstream count doomed 0'), await created('upstream count doomed 1')];
  });
  after(async () => {
    if (process.env.UPSTREAM_REPORT) console.log(Object.entries(counts).map(([tool, n]) => `| ${tool} | ${n} |`).join('\n'));
    await stack?.close();
  });

  async function run(step: Step, round: number): Promise<void> {
    const path = typeof step.path === 'function' ? step.path(ctx) : step.path;
    const body = typeof step.body === 'function' ? step.body(ctx, round) : step.body;
    const res = await rest(stack, token, step.method, path, body);
    if (!step.approve) {
      expect(res.status, `${step.tool}: ${res.text}`).to.equal(step.status ?? 200);
      return;
    }
    expect(res.status, `${step.tool}: ${res.text}`).to.equal(202);
    const approved = await stack.client.request('POST', `/approvals/${res.body.action_id}/approve`, {});
    expect(approved.status, approved.text).to.equal(200);
    const done = await rest(stack, token, 'GET', `/actions/${res.body.action_id}`);
    expect(done.body.status, done.text).to.equal('succeeded');
  }

  it('spends at most 1 Tasker request per read and 2 per write once the caches are warm', async () => {
    for (const step of STEPS) await run(step, 0);
    const over: string[] = [];
    for (const step of STEPS) {
      // Round 0 removed the item from the cycle and module again: round 1 puts it back first.
      if (step.tool === 'remove_work_item_from_cycle') await run(STEPS.find((s) => s.tool === 'add_work_item_to_cycle')!, 1);
      if (step.tool === 'remove_work_item_from_module') await run(STEPS.find((s) => s.tool === 'add_work_item_to_module')!, 1);
      stack.sandbox.faults.resetStats();
      await run(step, 1);
      const key = counts[step.tool] === undefined ? step.tool : `${step.tool} (${typeof step.path === 'string' ? step.path : 'second form'})`;
      counts[key] = stack.sandbox.faults.stats.requests;
      if (counts[key]! > step.budget) over.push(`${key}: ${counts[key]} > ${step.budget}`);
    }
    expect(over, JSON.stringify(counts)).to.deep.equal([]);
  });

  it('answers explain without asking Tasker, and whoami (which checks the granted projects still exist) within a read\'s budget', async () => {
    stack.sandbox.faults.resetStats();
    const explained = await rest(stack, token, 'POST', '/explain', { tool: 'get_work_item', arguments: { work_item: ctx.item } });
    expect(explained.status, explained.text).to.equal(200);
    expect(stack.sandbox.faults.stats.requests).to.equal(0);
    expect((await rest(stack, token, 'GET', '/whoami')).status).to.equal(200);
    expect(stack.sandbox.faults.stats.requests).to.be.at.most(READ_BUDGET);
  });
});
