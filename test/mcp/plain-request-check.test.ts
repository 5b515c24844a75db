import { expect } from 'chai';
import { JSONRPCMessageSchema, JSONRPCRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { isPlainRequest } from '../../src/mcp/json-rpc.js';

/** Bodies as express.json hands them over (JSON.parse), including the odd ones. */
const BODIES: string[] = [
  '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_work_item","arguments":{"work_item":"OPS-1"}}}',
  '{"jsonrpc":"2.0","id":"a","method":"tools/list"}',
  '{"jsonrpc":"2.0","id":1.5,"method":"tools/list"}',
  '{"jsonrpc":"2.0","id":9007199254740993,"method":"tools/list"}',
  '{"jsonrpc":"2.0","id":null,"method":"tools/list"}',
  '{"jsonrpc":"2.0","method":"notifications/initialized"}',
  '{"jsonrpc":"1.0","id":1,"method":"tools/list"}',
  '{"jsonrpc":"2.0","id":1,"method":7}',
  '{"jsonrpc":"2.0","id":1,"method":"tools/list","params":null}',
  '{"jsonrpc":"2.0","id":1,"method":"tools/list","params":[]}',
  '{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":5}}',
  '{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"progressToken":1}}}',
  '{"jsonrpc":"2.0","id":1,"method":"tools/list","extra":true}',
  '{"jsonrpc":"2.0","id":1,"method":"tools/list","__proto__":{"x":1}}',
  '{"jsonrpc":"2.0","id":1,"result":{}}',
  '[{"jsonrpc":"2.0","id":1,"method":"tools/list"}]',
  '"just a string"',
  'null',
];

describe('mcp: the quick check of a plain JSON-RPC request', () => {
  it('passes only bodies the SDK request schema accepts, and passes the usual tools/call', () => {
    for (const text of BODIES) {
      const body: unknown = JSON.parse(text);
      if (isPlainRequest(body)) expect(JSONRPCRequestSchema.safeParse(body).success, text).to.equal(true);
    }
    expect(isPlainRequest(JSON.parse(BODIES[0]!))).to.equal(true);
    expect(isPlainRequest(JSON.parse(BODIES[1]!))).to.equal(true);
  });

  it('passes only bodies that the SDK message schema would hand on unchanged (the transport skips that parse)', () => {
    for (const text of BODIES) {
      const body: unknown = JSON.parse(text);
      if (isPlainRequest(body)) expect(JSONRPCMessageSchema.parse(body), text).to.deep.equal(body);
    }
  });

  it('leaves what it does not pass to the schema (unsafe ids, _meta, extra keys, batches, responses)', () => {
    for (const index of [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]) expect(isPlainRequest(JSON.parse(BODIES[index]!)), BODIES[index]).to.equal(false);
  });
});
