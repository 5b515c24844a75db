import { Validator } from '@seriousme/openapi-schema-validator';
import { expect } from 'chai';
import { ContractRegistry } from '../../src/contracts/index.js';
import { policyCatalogue } from '../../src/decision/index.js';
import { openApiDocument, parkableTools, restRoutes } from '../../src/rest/index.js';

type Operation = { operationId: string; parameters: { name: string; in: string }[]; responses: Record<string, unknown>; security?: unknown[]; requestBody?: { description?: string; content: Record<string, { schema: Record<string, unknown> }> } };

describe('rest: the OpenAPI 3.1 document generated from the tool contracts', () => {
  const registry = ContractRegistry.load();
  const routes = restRoutes(registry);
  const parkable = parkableTools(policyCatalogue(registry));
  const document = openApiDocument(routes, { version: '0.0.0-test', parkable }) as { openapi: string; info: Record<string, any>; paths: Record<string, Record<string, Operation>> };
  const toolOperations = () => routes.map((route) => ({ route, op: document.paths[route.path]![route.method.toLowerCase()]! }));

  it('is a valid OpenAPI 3.1 document by an independent validator', async () => {
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(JSON.stringify(document)));
    expect(result.errors ?? []).to.deep.equal([]);
    expect(result.valid).to.equal(true);
    expect(validator.version).to.equal('3.1');
  });

  it('resolves every $ref inside the document', async () => {
    const validator = new Validator();
    await validator.validate(JSON.parse(JSON.stringify(document)));
    expect(() => validator.resolveRefs()).not.to.throw();
    expect(JSON.stringify(document)).not.to.contain('#/$defs/');
  });

  it('has one operation per tool contract, named after the tool, with its path parameters', () => {
    const operations = Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op }))).filter((o) => 'x-mcp-tool' in o.op);
    expect(operations.map((o) => o.op.operationId).sort()).to.deep.equal(registry.names().sort());
    for (const { path, op } of operations) {
      const placeholders = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(op.parameters.filter((p) => p.in === 'path').map((p) => p.name), path).to.deep.equal(placeholders);
    }
    expect(document.paths['/projects/{project}/work-items']).to.have.keys('get', 'post');
    expect(document.paths['/work-items/{work_item}/comments']).to.have.keys('get', 'post');
  });

  it('documents 201 for the tools that create and 200 for the others', () => {
    const creates = [document.paths['/projects/{project}/work-items'].post, document.paths['/work-items/{work_item}/comments'].post];
    for (const op of creates) expect(Object.keys(op.responses), op.operationId).to.include('201').and.not.include('200');
    expect(Object.keys(document.paths['/work-items/{work_item}'].patch.responses)).to.include('200').and.not.include('201');
  });

  it('orders literal segments before placeholders so /work-items/search is not read as a work item', () => {
    const paths = routes.filter((r) => r.method === 'GET').map((r) => r.path);
    expect(paths.indexOf('/work-items/search')).to.be.lessThan(paths.indexOf('/work-items/{work_item}'));
  });

  it('documents the Idempotency-Key header exactly on the tools that take an idempotency key', () => {
    for (const route of routes) {
      const op = document.paths[route.path]![route.method.toLowerCase()]!;
      const hasHeader = op.parameters.some((p) => p.in === 'header' && p.name === 'Idempotency-Key');
      expect(hasHeader, route.tool).to.equal(route.contract['x-gateway'].kind !== 'read');
    }
  });

  it('documents 202 only on operations the policy can park: every tool decided with grants, not the self-service ones', () => {
    const catalogue = policyCatalogue(registry);
    const selfService = Object.keys(catalogue).filter((name) => catalogue[name]!.self_service === true).sort();
    expect(selfService).to.deep.equal(['explain', 'get_action_status', 'whoami']);
    for (const { route, op } of toolOperations()) {
      expect(Object.keys(op.responses).includes('202'), route.tool).to.equal(!selfService.includes(route.tool));
    }
    expect(document.paths['/whoami']!.get!.responses).not.to.have.property('202');
    expect(document.paths['/work-items/{work_item}']!.delete!.responses).to.have.property('202');
  });

  it('describes /me, the public pairing endpoints and the capabilities document too', () => {
    expect(document.paths['/me']!.get!.operationId).to.equal('me');
    expect(document.paths['/me']!.get!.security).to.equal(undefined); // the agent token, as everywhere
    for (const [path, id] of [['/pairing/exchange', 'exchange_pairing_code'], ['/pairing/flows', 'start_device_flow'], ['/pairing/flows/{flow_id}/poll', 'poll_device_flow']] as const) {
      const op = document.paths[path]!.post!;
      expect(op.operationId).to.equal(id);
      expect(op.security, path).to.deep.equal([]);
      expect(op.requestBody!.content['application/json']!.schema.additionalProperties, path).to.equal(false);
    }
    expect(document.paths['/meta/capabilities']!.get!.security).to.deep.equal([]);
    expect(JSON.stringify(document)).not.to.contain('defs.json');
  });

  it('names a license', () => {
    expect(document.info.license.name).to.match(/Proprietary/);
  });

  it('keeps no condition on a path argument in a request body, and says it in words instead', () => {
    for (const { route, op } of toolOperations()) {
      const schema = op.requestBody?.content['application/json']?.schema;
      if (!schema) continue;
      const condition = (schema.if as { required?: string[] } | undefined)?.required ?? [];
      expect(condition.filter((name) => route.pathParams.includes(name)), route.tool).to.deep.equal([]);
    }
    const update = document.paths['/work-items/{work_item}']!.patch!;
    expect(update.requestBody!.content['application/json']!.schema).not.to.have.property('then');
    expect(update.requestBody!.description).to.match(/\{work_item\} is a UUID .* project/);
  });
});
