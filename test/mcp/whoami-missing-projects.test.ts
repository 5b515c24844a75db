import { expect } from 'chai';
import { createUser, startConsoleStack, type ConsoleStack } from '../console/support.js';
import { agentWithToken } from '../support/index.js';

/** A minimal cookie jar: the console's sign-in over plain HTTP (the pages themselves are tested in Chromium elsewhere). */
class Browserless {
  private cookies = new Map<string, string>();
  constructor(private readonly baseUrl: string) {}

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    if (init.method === 'POST') headers.set('origin', this.baseUrl);
    const res = await fetch(`${this.baseUrl}${path}`, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    return res;
  }

  async signIn(user: { id: string; password: string }): Promise<void> {
    const form = await (await this.fetch('/console/sign-in')).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form)![1]!;
    const res = await this.fetch('/console/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, next: '/console/agents', id: user.id, password: user.password }).toString(),
    });
    expect(res.status, await res.text()).to.equal(303);
  }
}

/**
 * Issue 14, section 3: a grant made when its project existed keeps naming it after Tasker lost it.
 * whoami (MCP and REST) and the console's agent page say so, instead of letting the agent find out
 * by being denied.
 */
describe('grants whose project has since disappeared: whoami and the console flag them', function () {
  this.timeout(120_000);
  let stack: ConsoleStack;
  let owner: { id: string; password: string };

  before(async () => {
    stack = await startConsoleStack();
    owner = await createUser(stack, 'owner');
  });
  after(async () => {
    await stack?.close();
  });

  it('names the lost project in whoami over REST and MCP, and on the agent page, and not before it is lost', async () => {
    const client = stack.client.as(owner.id);
    const { agentId, token } = await agentWithToken(client, { workspace: 'nodedc', projects: ['OPS', 'PUB'], tools: ['read'] });
    const whoami = async () => {
      const res = await fetch(`${stack.baseUrl}/api/v1/whoami`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).to.equal(200);
      return (await res.json()) as { grants: Array<{ missing_projects?: string[]; summary: string }>; summary: string };
    };
    expect((await whoami()).grants[0]).not.to.have.property('missing_projects');

    // Behind the API: Plane deletes projects (soft delete), which the gateway's grants do not follow.
    const pub = stack.sandbox.data.projects.find((p) => p.identifier === 'PUB')!;
    pub.deleted_at = new Date().toISOString();
    try {
      const rest = await whoami();
      expect(rest.grants[0]!.missing_projects).to.deep.equal(['PUB']);
      expect(rest.grants[0]!.summary).to.match(/Tasker no longer has project PUB/);
      expect(rest.summary).to.match(/no longer has project PUB/);

      const mcp = await fetch(`${stack.baseUrl}/mcp`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } }),
      });
      const result = ((await mcp.json()) as { result: { structuredContent: { grants: Array<{ missing_projects?: string[] }> } } }).result;
      expect(result.structuredContent.grants[0]!.missing_projects).to.deep.equal(['PUB']);

      const console = new Browserless(stack.baseUrl);
      await console.signIn(owner);
      const page = await (await console.fetch(`/console/agents/${agentId}`)).text();
      expect(page).to.match(/class="warning"[^>]*>Tasker no longer has project PUB: this grant gives nothing there/);
    } finally {
      pub.deleted_at = null;
    }
  });
});
