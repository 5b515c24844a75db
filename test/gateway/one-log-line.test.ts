import { expect } from 'chai';
import { READ_OPS, newAgent, rest, startStack, mcpClient, type Stack } from '../e2e/support.js';

interface Line {
  level: string;
  message: string;
  request_id?: string;
}

describe('gateway: one log line at info per tool call', function () {
  this.timeout(240_000);
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack?.close();
  });

  const linesOf = (requestId: string): Line[] => stack.gw.logs.lines.map((l) => JSON.parse(l) as Line).filter((l) => l.request_id === requestId);

  it('writes the decision line at info and the request line only at debug, over REST and MCP', async () => {
    const { token } = await newAgent(stack, READ_OPS);
    const viaRest = await rest(stack, token, 'GET', '/work-items/OPS-1', undefined, { 'x-request-id': 'one-line-rest-0001' });
    expect(viaRest.status).to.equal(200);
    const mcp = await mcpClient(stack, token);
    try {
      const result = await mcp.callTool({ name: 'get_work_item', arguments: { work_item: 'OPS-1' } });
      expect(result.isError).to.not.equal(true);
    } finally {
      await mcp.close();
    }
    const mcpDecision = stack.gw.logs.lines.map((l) => JSON.parse(l) as Line & { transport?: string }).filter((l) => l.message === 'decision' && l.transport === 'mcp').pop();
    expect(mcpDecision?.request_id).to.be.a('string');
    for (const id of ['one-line-rest-0001', mcpDecision!.request_id!]) {
      const lines = linesOf(id);
      expect(lines.filter((l) => l.level === 'info').map((l) => l.message), id).to.deep.equal(['decision']);
      expect(lines.filter((l) => l.level === 'debug').map((l) => l.message), id).to.deep.equal(['request']);
    }
  });

  it('keeps the request line at info for requests without a decision', async () => {
    const { token } = await newAgent(stack, READ_OPS);
    await rest(stack, token, 'GET', '/me', undefined, { 'x-request-id': 'one-line-me-00001' });
    expect(linesOf('one-line-me-00001').map((l) => `${l.level} ${l.message}`)).to.deep.equal(['info request']);
  });
});
