import { randomUUID } from 'node:crypto';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { expect } from 'chai';
import { SANDBOX_SEED } from '../../src/tasker/index.js';
import type { HttpResult } from '../support/index.js';
import { WORKSPACE, errorBodyOf, mcpClient, newAgent, rest, startStack, type Stack } from './support.js';

/**
 * Issue 10, finding 1: a call is confined to the projects the agent's grants cover for that tool
 * (obligation project_scope), over both front doors, and nothing tells an agent whether an item
 * exists outside them.
 */
const PUB_READ = { workspace: WORKSPACE, projects: ['PUB'], tools: ['read'] };
const ALL_READ = { workspace: WORKSPACE, projects: '*', tools: ['read'] };
const OPS_ITEM = SANDBOX_SEED.workItems['OPS-1'].id;

interface Hit {
  id: string;
  human_id: string;
  project_identifier: string;
}

/** An error answer with what differs per request (ids) and the one reference it echoes blanked out. */
function errorShape(error: unknown, ref: string): string {
  const body = structuredClone(error) as { request_id?: string; context?: Record<string, unknown> };
  delete body.request_id;
  if (body.context) delete body.context.decision_id;
  if (body.context && Object.keys(body.context).length === 0) delete body.context;
  return JSON.stringify(body).split(ref).join('<ref>');
}

function restShape(res: HttpResult, ref: string): string {
  return `${res.status} ${errorShape(res.body.error, ref)}`;
}

async function callTool(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

describe('e2e: project confinement over REST and MCP (issue 10, finding 1)', function () {
  this.timeout(180_000);
  let stack: Stack;
  let pubOnly: string;
  let everyProject: string;
  const clients: Client[] = [];
  const mcp = async (token: string) => {
    const client = await mcpClient(stack, token);
    clients.push(client);
    return client;
  };

  before(async () => {
    stack = await startStack();
    pubOnly = (await newAgent(stack, PUB_READ)).token;
    everyProject = (await newAgent(stack, ALL_READ)).token;
    const pubWriter = (await newAgent(stack, { workspace: WORKSPACE, projects: ['PUB'], tools: ['read', 'write'] })).token;
    const opsWriter = (await newAgent(stack, { workspace: WORKSPACE, projects: ['OPS'], tools: ['read', 'write'] })).token;
    for (const name of ['Release notes page', 'Feedback form']) {
      const created = await rest(stack, pubWriter, 'POST', '/projects/PUB/work-items', { name });
      expect(created.status, created.text).to.equal(201);
    }
    // The newest match of the workspace is in OPS: a search that cut a workspace result down to PUB would lose its one slot to it.
    const newest = await rest(stack, opsWriter, 'POST', '/projects/OPS/work-items', { name: 'Release the gateway' });
    expect(newest.status, newest.text).to.equal(201);
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await stack?.close();
  });

  it('search without a project returns only items of granted projects, over REST', async () => {
    const wide = await rest<{ items: Hit[] }>(stack, everyProject, 'GET', '/work-items/search?query=e&limit=50');
    expect(wide.status, wide.text).to.equal(200);
    expect(new Set(wide.body.items.map((h) => h.project_identifier))).to.deep.equal(new Set(['OPS', 'PUB']));
    const narrow = await rest<{ items: Hit[] }>(stack, pubOnly, 'GET', '/work-items/search?query=e&limit=50');
    expect(narrow.status, narrow.text).to.equal(200);
    expect(narrow.body.items.map((h) => h.project_identifier)).to.satisfy((ids: string[]) => ids.length > 1 && ids.every((id) => id === 'PUB'));
    expect(narrow.body.items.map((h) => h.id).sort()).to.deep.equal(wide.body.items.filter((h) => h.project_identifier === 'PUB').map((h) => h.id).sort());
  });

  it('search without a project returns only items of granted projects, over MCP', async () => {
    const narrow = await callTool(await mcp(pubOnly), 'search_work_items', { query: 'e', limit: 50 });
    const hits = (narrow.structuredContent as { items: Hit[] }).items;
    expect(hits.length).to.be.greaterThan(1);
    expect(hits.every((h) => h.project_identifier === 'PUB')).to.equal(true);
    const wide = await callTool(await mcp(everyProject), 'search_work_items', { query: 'e', limit: 50 });
    expect((wide.structuredContent as { items: Hit[] }).items.some((h) => h.project_identifier === 'OPS')).to.equal(true);
  });

  it('a limited search fills its page from the granted projects (the limit is not spent on others)', async () => {
    const wide = await rest<{ items: Hit[] }>(stack, everyProject, 'GET', '/work-items/search?query=release&limit=1');
    expect(wide.body.items.map((h) => h.project_identifier)).to.deep.equal(['OPS']);
    const narrow = await rest<{ items: Hit[] }>(stack, pubOnly, 'GET', '/work-items/search?query=release&limit=1');
    expect(narrow.body.items.map((h) => h.human_id)).to.have.length(1);
    expect(narrow.body.items[0]!.project_identifier).to.equal('PUB');
  });

  it('list_projects shows only the projects the grants cover for it, over REST and MCP', async () => {
    const identifiers = (body: unknown) => (body as { projects: { identifier: string }[] }).projects.map((p) => p.identifier).sort();
    expect(identifiers((await rest(stack, pubOnly, 'GET', '/projects')).body)).to.deep.equal(['PUB']);
    expect(identifiers((await rest(stack, everyProject, 'GET', '/projects')).body)).to.deep.equal(['OPS', 'PUB']);
    expect(identifiers((await callTool(await mcp(pubOnly), 'list_projects', {})).structuredContent)).to.deep.equal(['PUB']);
    // A grant for another tool on every project widens nothing for list_projects.
    const mixed = (await newAgent(stack, PUB_READ)).agentId;
    await stack.client.createGrant(mixed, { workspace: WORKSPACE, projects: '*', tools: ['get_work_item'] });
    const token = (await stack.client.issueToken(mixed)).secret;
    expect(identifiers((await rest(stack, token, 'GET', '/projects')).body)).to.deep.equal(['PUB']);
  });

  it('list_members answers for a granted project; another project is refused exactly like one that does not exist', async () => {
    const granted = await rest(stack, pubOnly, 'GET', '/projects/PUB/members');
    expect(granted.status, granted.text).to.equal(200);
    const other = await rest(stack, pubOnly, 'GET', '/projects/OPS/members');
    const missing = await rest(stack, pubOnly, 'GET', '/projects/NOPE/members');
    expect(other.status).to.equal(403);
    expect(restShape(other, 'OPS')).to.equal(restShape(missing, 'NOPE'));
  });

  it('paging through a granted listing stays honest: every item once, the total right, no cursor after the last page', async () => {
    const first = await rest(stack, pubOnly, 'GET', '/projects/PUB/work-items?limit=1');
    expect(first.status, first.text).to.equal(200);
    const seen: string[] = [];
    let page = first;
    for (;;) {
      seen.push(...page.body.items.map((i: Hit) => i.human_id));
      if (page.body.next_cursor === null) break;
      page = await rest(stack, pubOnly, 'GET', `/projects/PUB/work-items?limit=1&cursor=${page.body.next_cursor}`);
    }
    expect(seen.length).to.equal(first.body.total);
    expect(new Set(seen).size).to.equal(seen.length);
    expect(seen.every((id) => id.startsWith('PUB-'))).to.equal(true);
  });

  it('an item outside the grants is answered exactly like one that does not exist, whatever the path (REST)', async () => {
    const unknownId = randomUUID();
    const pairs: [string, string, string, string][] = [
      ['/work-items/OPS-1', 'OPS-1', '/work-items/OPS-999', 'OPS-999'],
      ['/work-items/OPS-1?project=PUB', 'OPS-1', '/work-items/OPS-999?project=PUB', 'OPS-999'],
      ['/work-items/OPS-1?project=PUB', 'OPS-1', '/work-items/PUB-999?project=PUB', 'PUB-999'],
      [`/work-items/${OPS_ITEM}?project=PUB`, OPS_ITEM, `/work-items/${unknownId}?project=PUB`, unknownId],
      [`/work-items/${OPS_ITEM}?project=OPS`, OPS_ITEM, `/work-items/${unknownId}?project=OPS`, unknownId],
      [`/work-items/${OPS_ITEM}`, OPS_ITEM, `/work-items/${unknownId}`, unknownId],
      ['/work-items/OPS-1/comments?project=PUB', 'OPS-1', '/work-items/PUB-999/comments?project=PUB', 'PUB-999'],
    ];
    for (const [outside, outsideRef, missing, missingRef] of pairs) {
      const a = await rest(stack, pubOnly, 'GET', outside);
      const b = await rest(stack, pubOnly, 'GET', missing);
      expect(a.status, `${outside}: ${a.text}`).to.be.oneOf([400, 403, 404]);
      expect(restShape(a, outsideRef), outside).to.equal(restShape(b, missingRef));
    }
    // Also for an agent that may read OPS: an item is not found in a project it is not in.
    const wide = await rest(stack, everyProject, 'GET', '/work-items/OPS-1?project=PUB');
    expect(wide.status).to.equal(404);
    expect(restShape(wide, 'OPS-1')).to.equal(restShape(await rest(stack, everyProject, 'GET', '/work-items/PUB-999?project=PUB'), 'PUB-999'));
  });

  it('an item outside the grants is answered exactly like one that does not exist, whatever the path (MCP)', async () => {
    const client = await mcp(pubOnly);
    const unknownId = randomUUID();
    const pairs: [Record<string, unknown>, string, Record<string, unknown>, string][] = [
      [{ work_item: 'OPS-1' }, 'OPS-1', { work_item: 'OPS-999' }, 'OPS-999'],
      [{ work_item: 'OPS-1', project: 'PUB' }, 'OPS-1', { work_item: 'PUB-999', project: 'PUB' }, 'PUB-999'],
      [{ work_item: OPS_ITEM, project: 'PUB' }, OPS_ITEM, { work_item: unknownId, project: 'PUB' }, unknownId],
      [{ work_item: OPS_ITEM }, OPS_ITEM, { work_item: unknownId }, unknownId],
    ];
    for (const [outside, outsideRef, missing, missingRef] of pairs) {
      const a = errorBodyOf(await callTool(client, 'get_work_item', outside));
      const b = errorBodyOf(await callTool(client, 'get_work_item', missing));
      expect(errorShape(a, outsideRef), JSON.stringify(outside)).to.equal(errorShape(b, missingRef));
    }
    expect(errorBodyOf(await callTool(client, 'get_work_item', { work_item: 'OPS-1', project: 'PUB' })).code).to.equal('not_found');
  });

  it('explain reports the project scope the call would be confined to', async () => {
    const client = await mcp(pubOnly);
    const explained = await callTool(client, 'explain', { tool: 'search_work_items', arguments: { query: 'e' } });
    expect((explained.structuredContent as { obligations: { project_scope: unknown } }).obligations.project_scope).to.deep.equal(['PUB']);
  });

  it('grants and approval constraints naming a project in another case cover it', async () => {
    const reader = (await newAgent(stack, { workspace: WORKSPACE, projects: ['pub'], tools: ['read'] })).token;
    const item = await rest(stack, reader, 'GET', '/work-items/PUB-1');
    expect(item.status, item.text).to.equal(200);
    const projects = await rest(stack, reader, 'GET', '/projects');
    expect(projects.body.projects.map((p: { identifier: string }) => p.identifier)).to.deep.equal(['PUB']);
    // Compared as written, `pub` never matched the call's `PUB`, and the write went through unapproved.
    const writer = (await newAgent(stack, { workspace: WORKSPACE, projects: ['PUB'], tools: ['read', 'write'], constraints: { approval_required_projects: ['pub'] } })).token;
    const write = await rest(stack, writer, 'POST', '/projects/PUB/work-items', { name: 'needs approval in PUB' });
    expect(write.status, write.text).to.equal(202);
  });

  it('an action approved by the owner runs inside the scope its decision carries', async () => {
    const { token } = await newAgent(stack, { workspace: WORKSPACE, projects: ['PUB'], tools: ['read', 'write', 'destructive'] });
    const parked = await rest(stack, token, 'DELETE', '/work-items/OPS-1', { project: 'PUB', reason: 'out of scope' });
    expect(parked.status, parked.text).to.equal(202);
    const approved = await stack.client.request('POST', `/approvals/${parked.body.action_id}/approve`, {});
    expect(approved.status, approved.text).to.equal(200);
    const status = await rest(stack, token, 'GET', `/actions/${parked.body.action_id}`);
    expect(status.body.status, status.text).to.equal('failed');
    expect(JSON.stringify(status.body)).to.include('not_found');
    const item = stack.sandbox.data.workItems.find((w) => w.id === OPS_ITEM)!;
    expect(item.deleted_at).to.equal(null);
  });
});
