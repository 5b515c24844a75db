import { randomUUID } from 'node:crypto';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { expect } from 'chai';
import { SANDBOX_SEED } from '../../src/tasker/index.js';
import type { HttpResult } from '../support/index.js';
import { WORKSPACE, errorBodyOf, mcpClient, newAgent, rest, startStack, type Stack } from './support.js';

/**
 * Issue 14, section 1: the tools for ordinary planning work (what is in a cycle or module, taking
 * items out again, sub-items, links, activity) over both front doors against the sandbox, and the
 * project confinement holding for each: a cycle, module or item outside the grants answers exactly
 * like one that does not exist.
 */
const CYCLE = SANDBOX_SEED.cycle.id;
const MODULE = SANDBOX_SEED.module.id;
const OPS_WRITE = { workspace: WORKSPACE, projects: ['OPS'], tools: ['read', 'write'] };
const PUB_WRITE = { workspace: WORKSPACE, projects: ['PUB'], tools: ['read', 'write'] };

interface Item {
  id: string;
  human_id: string;
  parent_id: string | null;
  parent_human_id: string | null;
  cycle_id?: string;
  module_id?: string;
}

async function callTool(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

/** An error answer without what differs per request, and the reference it echoes blanked out. */
function errorShape(res: HttpResult, ref: string): string {
  const body = structuredClone(res.body.error) as { request_id?: string; context?: Record<string, unknown> };
  delete body.request_id;
  if (body.context) delete body.context.decision_id;
  if (body.context && Object.keys(body.context).length === 0) delete body.context;
  return `${res.status} ${JSON.stringify(body).split(ref).join('<ref>')}`;
}

describe('e2e: planning tools over REST and MCP (issue 14, section 1)', function () {
  this.timeout(180_000);
  let stack: Stack;
  let ops: string;
  let pub: string;
  let client: Client;
  let parent: Item;
  let child: Item;

  before(async () => {
    stack = await startStack();
    ops = (await newAgent(stack, OPS_WRITE)).token;
    pub = (await newAgent(stack, PUB_WRITE)).token;
    client = await mcpClient(stack, ops);
    const made = await rest(stack, ops, 'POST', '/projects/OPS/work-items', { name: 'Plan the release' });
    expect(made.status, made.text).to.equal(201);
    parent = made.body.work_item;
  });
  after(async () => {
    await client?.close().catch(() => undefined);
    await stack?.close();
  });

  it('creates a sub-item by the parent\'s human id and lists the children (REST)', async () => {
    const made = await rest(stack, ops, 'POST', '/projects/OPS/work-items', { name: 'Write the release notes', parent: parent.human_id });
    expect(made.status, made.text).to.equal(201);
    child = made.body.work_item;
    expect(child).to.include({ parent_id: parent.id, parent_human_id: parent.human_id });
    const children = await rest(stack, ops, 'GET', `/work-items/${parent.human_id}/sub-items`);
    expect(children.status, children.text).to.equal(200);
    expect(children.body).to.include({ parent_id: parent.id, parent_human_id: parent.human_id, total: 1 });
    expect(children.body.items.map((i: Item) => i.human_id)).to.deep.equal([child.human_id]);
    const read = await rest(stack, ops, 'GET', `/work-items/${child.human_id}`);
    expect(read.body.work_item.parent_human_id).to.equal(parent.human_id);
  });

  it('moves a sub-item to the top level with parent null, and back over MCP', async () => {
    const cleared = await rest(stack, ops, 'PATCH', `/work-items/${child.human_id}`, { parent: null });
    expect(cleared.status, cleared.text).to.equal(200);
    expect(cleared.body.work_item).to.include({ parent_id: null, parent_human_id: null });
    expect((await rest(stack, ops, 'GET', `/work-items/${parent.human_id}/sub-items`)).body.total).to.equal(0);
    const set = await callTool(client, 'update_work_item', { work_item: child.human_id, parent: parent.human_id });
    expect(set.isError, JSON.stringify(set)).to.not.equal(true);
    expect((set.structuredContent as { work_item: Item }).work_item.parent_human_id).to.equal(parent.human_id);
    const listed = await callTool(client, 'list_sub_work_items', { work_item: parent.human_id });
    expect((listed.structuredContent as { items: Item[] }).items.map((i) => i.id)).to.deep.equal([child.id]);
  });

  it('answers "what is in the sprint", filters by cycle, and takes an item out again (REST)', async () => {
    expect((await rest(stack, ops, 'POST', `/work-items/${parent.human_id}/cycle`, { cycle: CYCLE })).status).to.equal(200);
    const sprint = await rest(stack, ops, 'GET', `/projects/OPS/cycles/${CYCLE}/work-items?limit=100`);
    expect(sprint.status, sprint.text).to.equal(200);
    expect(sprint.body.cycle_id).to.equal(CYCLE);
    const inSprint = sprint.body.items.find((i: Item) => i.id === parent.id);
    expect(inSprint).to.include({ cycle_id: CYCLE, human_id: parent.human_id });
    const filtered = await rest(stack, ops, 'GET', `/projects/OPS/work-items?cycle=${CYCLE}&limit=100`);
    expect(filtered.body.items.map((i: Item) => i.id)).to.include(parent.id).and.not.include(child.id);
    const removed = await rest(stack, ops, 'DELETE', `/work-items/${parent.human_id}/cycles/${CYCLE}`);
    expect(removed.status, removed.text).to.equal(200);
    expect(removed.body).to.deep.equal({ cycle_id: CYCLE, work_item_id: parent.id, human_id: parent.human_id, removed: true });
    const again = await rest(stack, ops, 'DELETE', `/work-items/${parent.human_id}/cycles/${CYCLE}`);
    expect(again.body.removed).to.equal(false);
    const after = await rest(stack, ops, 'GET', `/projects/OPS/cycles/${CYCLE}/work-items?limit=100`);
    expect(after.body.items.map((i: Item) => i.id)).to.not.include(parent.id);
    expect(stack.sandbox.data.workItems.find((w) => w.id === parent.id)!.deleted_at).to.equal(null);
  });

  it('lists a module\'s items and takes an item out of the module (MCP)', async () => {
    const added = await callTool(client, 'add_work_item_to_module', { work_item: child.human_id, module: MODULE });
    expect(added.isError, JSON.stringify(added)).to.not.equal(true);
    const listed = await callTool(client, 'list_module_work_items', { project: 'OPS', module: MODULE });
    const page = listed.structuredContent as { module_id: string; items: Item[] };
    expect(page.module_id).to.equal(MODULE);
    expect(page.items.find((i) => i.id === child.id)).to.include({ module_id: MODULE });
    const removed = await callTool(client, 'remove_work_item_from_module', { work_item: child.human_id, module: MODULE });
    expect(removed.structuredContent).to.include({ removed: true, human_id: child.human_id });
    const after = await callTool(client, 'list_work_items', { project: 'OPS', module: MODULE, limit: 100 });
    expect((after.structuredContent as { items: Item[] }).items.map((i) => i.id)).to.not.include(child.id);
  });

  it('adds a link once per URL and lists it (REST and MCP)', async () => {
    const url = 'https://git.example.com/org/repo/pull/7';
    const first = await rest(stack, ops, 'POST', `/work-items/${parent.human_id}/links`, { url, title: 'PR #7' });
    expect(first.status, first.text).to.equal(201);
    expect(first.body.created).to.equal(true);
    expect(first.body.link).to.include({ url, title: 'PR #7', work_item_id: parent.id });
    const repeat = await callTool(client, 'add_work_item_link', { work_item: parent.human_id, url });
    expect(repeat.structuredContent).to.deep.include({ created: false });
    expect((repeat.structuredContent as { link: { id: string } }).link.id).to.equal(first.body.link.id);
    const listed = await rest(stack, ops, 'GET', `/work-items/${parent.human_id}/links`);
    expect(listed.body.links.map((l: { url: string }) => l.url)).to.deep.equal([url]);
    const bad = await rest(stack, ops, 'POST', `/work-items/${parent.human_id}/links`, { url: 'javascript:alert(1)' });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.fields.map((f: { pointer: string }) => f.pointer)).to.include('/url');
  });

  it('lists the activity of an item, oldest first (REST and MCP)', async () => {
    const res = await rest(stack, ops, 'GET', `/work-items/${child.human_id}/activity?limit=100`);
    expect(res.status, res.text).to.equal(200);
    const activity = res.body.activity as { verb: string; field: string | null; new_value: string | null }[];
    expect(activity[0]!.verb).to.equal('created');
    expect(activity.filter((a) => a.field === 'parent').map((a) => a.new_value)).to.include(parent.human_id);
    const viaMcp = await callTool(client, 'list_work_item_activity', { work_item: parent.human_id, limit: 100 });
    const fields = (viaMcp.structuredContent as { activity: { field: string | null }[] }).activity.map((a) => a.field);
    expect(fields).to.include('link');
  });

  it('a cycle, module or item outside the grants answers exactly like one that does not exist', async () => {
    const unknown = randomUUID();
    // OPS's cycle from a PUB-only agent, in PUB: as unknown as a random UUID.
    const foreignCycle = await rest(stack, pub, 'GET', `/projects/PUB/cycles/${CYCLE}/work-items`);
    const missingCycle = await rest(stack, pub, 'GET', `/projects/PUB/cycles/${unknown}/work-items`);
    expect(foreignCycle.status).to.equal(404);
    expect(errorShape(foreignCycle, CYCLE)).to.equal(errorShape(missingCycle, unknown));
    const foreignRemove = await rest(stack, pub, 'DELETE', `/work-items/PUB-1/modules/${MODULE}`);
    const missingRemove = await rest(stack, pub, 'DELETE', `/work-items/PUB-1/modules/${unknown}`);
    expect(foreignRemove.status).to.equal(404);
    expect(errorShape(foreignRemove, MODULE)).to.equal(errorShape(missingRemove, unknown));
    // An OPS item named by UUID under PUB: as unknown as a random UUID, for reads and writes.
    const calls = [['GET', '/links?project=PUB'], ['GET', '/activity?project=PUB'], ['GET', '/sub-items?project=PUB'], ['POST', '/links', { project: 'PUB', url: 'https://x.example/a' }], ['DELETE', `/cycles/${CYCLE}?project=PUB`]] as const;
    for (const [method, suffix, body] of calls) {
      const foreign = await rest(stack, pub, method, `/work-items/${parent.id}${suffix}`, body);
      const missing = await rest(stack, pub, method, `/work-items/${unknown}${suffix}`, body);
      expect(foreign.status, `${method} ${suffix}`).to.equal(404);
      expect(errorShape(foreign, parent.id), `${method} ${suffix}`).to.equal(errorShape(missing, unknown));
    }
    // A project outside the grants is refused by the policy, like a project that does not exist.
    const other = await rest(stack, pub, 'GET', `/projects/OPS/modules/${MODULE}/work-items`);
    const none = await rest(stack, pub, 'GET', `/projects/NOPE/modules/${MODULE}/work-items`);
    expect(other.status).to.equal(403);
    expect(errorShape(other, 'OPS')).to.equal(errorShape(none, 'NOPE'));
    expect((stack.sandbox.data.links ?? []).filter((l) => l.url === 'https://x.example/a')).to.have.length(0);
  });

  it('a read-only grant lists but cannot remove from a cycle (the tools are writes)', async () => {
    const reader = (await newAgent(stack, { workspace: WORKSPACE, projects: ['OPS'], tools: ['read'] })).token;
    expect((await rest(stack, reader, 'GET', `/projects/OPS/cycles/${CYCLE}/work-items`)).status).to.equal(200);
    const refused = await rest(stack, reader, 'DELETE', `/work-items/${parent.human_id}/cycles/${CYCLE}`);
    expect(refused.status).to.equal(403);
    expect(refused.body.error.reasons.map((r: { code: string }) => r.code)).to.include('no_matching_grant');
    const readerMcp = await mcpClient(stack, reader);
    try {
      const names = (await readerMcp.listTools()).tools.map((t) => t.name);
      expect(names).to.include.members(['list_cycle_work_items', 'list_module_work_items', 'list_sub_work_items', 'list_work_item_links', 'list_work_item_activity']);
      expect(names).to.not.include.members(['remove_work_item_from_cycle']);
      const tool = (await readerMcp.listTools()).tools.find((t) => t.name === 'list_work_item_activity')!;
      expect(tool.annotations).to.include({ readOnlyHint: true, destructiveHint: false });
      const denied = await callTool(readerMcp, 'add_work_item_link', { work_item: parent.human_id, url: 'https://x.example/b' });
      expect(errorBodyOf(denied).code).to.equal('denied');
    } finally {
      await readerMcp.close();
    }
  });
});
