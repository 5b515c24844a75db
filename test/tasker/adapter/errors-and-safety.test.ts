import { expect } from 'chai';
import { resolveAdapterConfig, type TaskerSandbox } from '../../../src/tasker/index.js';
import { classifyUpstreamError } from '../../../src/tasker/upstream-errors.js';
import { backoffDelay, parseRetryAfter } from '../../../src/tasker/retry.js';
import { Endpoints } from '../../../src/tasker/endpoints.js';
import { ACTOR, adapterFor, failureOf, startSandbox } from './support.js';

describe('Tasker adapter: error classification', () => {
  let sandbox: TaskerSandbox;

  before(async () => {
    sandbox = await startSandbox();
  });
  after(() => sandbox.close());

  it('an API key Tasker does not know is tasker_auth_failed', async () => {
    const err = await failureOf(() => adapterFor(sandbox, { apiKey: 'plane_api_not_a_real_key' }).listProjects({}));
    expect(err.code).to.equal('tasker_auth_failed');
    expect(err.context).to.include({ upstream_status: 403 });
  });

  it('a project the key user cannot see is not_found or tasker_forbidden, never a raw body', async () => {
    const asMember = adapterFor(sandbox, { apiKey: sandbox.apiKeys.member });
    const err = await failureOf(() => asMember.listStates({ project: '00000000-0000-4000-8000-000000000000' }));
    expect(['not_found', 'tasker_forbidden']).to.include(err.code);
    expect(err).to.not.have.property('body');
  });

  it('classifies each Plane error shape into a stable code', () => {
    const cases: [number, unknown, string][] = [
      [401, { detail: 'Authentication credentials were not provided.' }, 'tasker_auth_failed'],
      [403, { detail: 'Given API token is not valid' }, 'tasker_auth_failed'],
      [403, { detail: 'You do not have permission to perform this action.' }, 'tasker_forbidden'],
      [403, { error: 'Only admin or creator can delete the work item' }, 'tasker_forbidden'],
      [404, { error: 'The requested resource does not exist.' }, 'not_found'],
      [405, { detail: 'Method "PUT" not allowed.' }, 'tasker_rejected'],
      [409, { error: 'Issue with the same external id and external source already exists', id: 'abc' }, 'conflict'],
      [429, { error_code: 5900, error_message: 'RATE_LIMIT_EXCEEDED' }, 'throttled'],
      [400, { priority: ['"x" is not a valid choice.'] }, 'tasker_rejected'],
      [500, { error: 'Something went wrong please try again later' }, 'tasker_unavailable'],
    ];
    for (const [status, body, code] of cases) expect(classifyUpstreamError(status, body).code, `${status} ${JSON.stringify(body)}`).to.equal(code);
  });

  it('maps a Plane field map onto the tool argument pointers', () => {
    const err = classifyUpstreamError(400, { description_html: ['bad html'], non_field_errors: ['no'] }, { description_html: '/description' });
    expect(err.fields).to.deep.equal([{ pointer: '/description', message: 'bad html' }, { pointer: '', message: 'no' }]);
  });

  it('keeps the id of the existing object from a 409', () => {
    expect(classifyUpstreamError(409, { error: 'exists', id: 'abc' }).context).to.include({ existing_id: 'abc' });
  });
});

describe('Tasker adapter: nothing but its named endpoints is reachable', () => {
  const endpoints = new Endpoints('nodedc', 'work-items');

  it('builds every path under the workspace with a trailing slash', () => {
    const project = '3f2b8c1e-9a4d-4e7b-8c2a-1d5e6f7a8b9c';
    expect(endpoints.workItems(project)).to.equal(`/workspaces/nodedc/projects/${project}/work-items/`);
    expect(endpoints.workItemByHumanId({ identifier: 'ops', sequence: 12 })).to.equal('/workspaces/nodedc/work-items/OPS-12/');
    expect(new Endpoints('nodedc', 'issues').search()).to.equal('/workspaces/nodedc/issues/search/');
  });

  it('refuses a path segment that is not a UUID or identifier, naming the argument', () => {
    const project = '3f2b8c1e-9a4d-4e7b-8c2a-1d5e6f7a8b9c';
    for (const [build, pointer] of [
      [() => endpoints.workItems('../../users/me'), '/project'],
      [() => endpoints.workItem(project, '..%2F..'), '/work_item'],
      [() => endpoints.cycleWorkItems(project, 'Sprint 1'), '/cycle'],
      [() => endpoints.moduleWorkItems(project, '?x=1'), '/module'],
      [() => endpoints.workItemByHumanId({ identifier: 'OPS/..', sequence: 1 }), '/work_item'],
    ] as [() => unknown, string][]) {
      let caught: { code?: string; fields?: { pointer: string }[] } = {};
      try {
        build();
      } catch (err) {
        caught = err as typeof caught;
      }
      expect(caught.code).to.equal('validation_failed');
      expect(caught.fields?.[0]?.pointer).to.equal(pointer);
    }
  });

  it('an adapter operation with a hostile reference fails before any request is sent', async () => {
    const sandbox = await startSandbox();
    try {
      sandbox.faults.resetStats();
      const err = await failureOf(() => adapterFor(sandbox).addWorkItemsToCycle('../../../users/me', '00000000-0000-4000-8000-000000000000', []));
      expect(err.code).to.equal('validation_failed');
      expect(sandbox.faults.stats.requests).to.equal(0);
      const second = await failureOf(() => adapterFor(sandbox).addWorkItemToModule({ work_item: 'OPS-1', module: 'x/../../y' }, ACTOR));
      expect(second.code).to.equal('validation_failed');
    } finally {
      await sandbox.close();
    }
  });

  it('refuses configurations that would break the rules of Plane v1', () => {
    const base = { baseUrl: 'http://127.0.0.1:1', apiKey: 'k', workspace: 'nodedc' };
    expect(() => resolveAdapterConfig({ ...base, pageSize: 1000 })).to.throw(/page size/);
    expect(() => resolveAdapterConfig({ ...base, baseUrl: 'file:///etc/passwd' })).to.throw(/http/);
    expect(() => resolveAdapterConfig({ ...base, baseUrl: 'http://x/?a=1' })).to.throw(/query/);
    expect(() => resolveAdapterConfig({ ...base, workspace: '../admin' })).to.throw(/slug/);
    expect(resolveAdapterConfig({ ...base, baseUrl: 'http://tasker.local/plane/' }).baseUrl).to.equal('http://tasker.local/plane');
  });
});

describe('Tasker adapter: retry timing rules', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('3')).to.equal(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).to.equal(6_000);
    expect(parseRetryAfter(null)).to.equal(null);
    expect(parseRetryAfter('soon')).to.equal(null);
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(backoffDelay(1, 100, 1000, () => 0)).to.equal(50);
    expect(backoffDelay(1, 100, 1000, () => 1)).to.equal(100);
    expect(backoffDelay(3, 100, 1000, () => 1)).to.equal(400);
    expect(backoffDelay(10, 100, 1000, () => 1)).to.equal(1000);
    expect(backoffDelay(4, 100, 1000, () => 0.5)).to.be.within(50, 800);
  });
});
