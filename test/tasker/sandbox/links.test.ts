/**
 * Work-item links in the sandbox: Plane's `.../links/` routes in both path families, one link per
 * URL and item, a `link` activity entry, and the official SDK (`workItems.links`) driving them.
 */
import { expect } from 'chai';
import { HttpError, PlaneClient } from '@makeplane/plane-node-sdk';
import type { TaskerSandbox } from '../../../src/tasker/sandbox/index.js';
import { OPS, SANDBOX_SEED, SLUG, api, startForTest } from './helpers.js';

const ITEM = SANDBOX_SEED.workItems['OPS-1'].id;
const linksPath = (family: string, item = ITEM) => `/workspaces/${SLUG}/projects/${OPS}/${family}/${item}/links/`;

describe('tasker sandbox: work-item links', () => {
  let sb: TaskerSandbox;
  before(async () => {
    sb = await startForTest();
  });
  after(() => sb.close());

  it('creates (201), lists newest first in an Envelope, and serves both path families', async () => {
    const first = await api(sb, 'POST', linksPath('work-items'), { body: { url: 'https://example.com/a', title: 'A' } });
    expect(first.status).to.equal(201);
    expect(first.body).to.include({ url: 'https://example.com/a', title: 'A', issue: ITEM, project: OPS });
    const second = await api(sb, 'POST', linksPath('issues'), { body: { url: 'https://example.com/b' } });
    expect(second.status).to.equal(201);
    expect(second.body.title).to.equal(null);
    const list = await api(sb, 'GET', linksPath('issues'));
    expect(list.status).to.equal(200);
    expect(list.body.results.map((l: { url: string }) => l.url)).to.deep.equal(['https://example.com/b', 'https://example.com/a']);
    expect(list.body).to.include.keys('next_cursor', 'next_page_results', 'total_count');
  });

  it('refuses the same URL twice on one item, a bad URL, and an unknown item', async () => {
    const repeat = await api(sb, 'POST', linksPath('work-items'), { body: { url: 'https://example.com/a' } });
    expect(repeat.status).to.equal(400);
    expect(repeat.body).to.deep.equal({ error: 'URL already exists for this Issue' });
    const bad = await api(sb, 'POST', linksPath('work-items'), { body: { url: 'ftp://example.com/x' } });
    expect(bad.status).to.equal(400);
    expect(bad.body.url).to.be.an('array');
    const unknown = await api(sb, 'POST', linksPath('work-items', '00000000-0000-4000-8000-000000000000'), { body: { url: 'https://example.com/c' } });
    expect(unknown.status).to.equal(404);
  });

  it('records a link activity entry', async () => {
    const activity = await api(sb, 'GET', `/workspaces/${SLUG}/projects/${OPS}/work-items/${ITEM}/activities/`);
    expect(activity.body.results.filter((a: { field: string }) => a.field === 'link').map((a: { new_value: string }) => a.new_value)).to.include('https://example.com/a');
  });

  it('is driven by @makeplane/plane-node-sdk: workItems.links create, list, retrieve, update, delete', async () => {
    const plane = new PlaneClient({ baseUrl: sb.url, apiKey: sb.apiKeys.admin });
    const created = await plane.workItems.links.create(SLUG, OPS, ITEM, { url: 'https://example.com/sdk', title: 'From the SDK' });
    expect(created).to.include({ url: 'https://example.com/sdk', title: 'From the SDK' });
    const listed = await plane.workItems.links.list(SLUG, OPS, ITEM);
    expect(listed.results.map((l) => l.id)).to.include(created.id);
    expect((await plane.workItems.links.retrieve(SLUG, OPS, ITEM, created.id)).url).to.equal('https://example.com/sdk');
    expect((await plane.workItems.links.update(SLUG, OPS, ITEM, created.id, { title: 'Renamed' })).title).to.equal('Renamed');
    await plane.workItems.links.delete(SLUG, OPS, ITEM, created.id);
    try {
      await plane.workItems.links.retrieve(SLUG, OPS, ITEM, created.id);
      expect.fail('a deleted link was still served');
    } catch (err) {
      expect(err).to.be.instanceOf(HttpError);
      expect((err as HttpError).statusCode).to.equal(404);
    }
  });
});
