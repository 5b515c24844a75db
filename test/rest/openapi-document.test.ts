import { Validator } from '@seriousme/openapi-schema-validator';
import { expect } from 'chai';
import { ContractRegistry } from '../../src/contracts/index.js';
import { openApiDocument, restRoutes } from '../../src/rest/index.js';

describe('rest: the OpenAPI 3.1 document generated from the tool contracts', () => {
  const registry = ContractRegistry.load();
  const routes = restRoutes(registry);
  const document = openApiDocument(routes, { version: '0.0.0-test' }) as { openapi: string; paths: Record<string, Record<string, { operationId: string; parameters: { name: string; in: string }[]; responses: Record<string, unknown> }>> };

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
    const operations = Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })));
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
});
