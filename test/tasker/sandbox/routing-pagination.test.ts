import { expect } from 'chai';
import type { TaskerSandbox } from '../../../src/tasker/sandbox/index.js';
import { OPS, SLUG, api, createItem, itemsPath, projectPath, startForTest } from './helpers.js';

const ENVELOPE_FIELDS = [
  'grouped_by', 'sub_grouped_by', 'total_count', 'next_cursor', 'prev_cursor', 'next_page_results',
  'prev_page_results', 'count', 'total_pages', 'total_results', 'extra_stats', 'results',
];

describe('tasker sandbox: paths', () => {
  let sb: TaskerSandbox;
  before(async () => { sb = await startForTest(); });
  after(() => sb.close());

  it('redirects a slash-less GET with 301 to the slashed path, keeping the query', async () => {
    const res = await api(sb, 'GET', `${itemsPath(OPS).slice(0, -1)}?per_page=1`);
    expect(res.status).to.equal(301);
    expect(res.headers.get('location')).to.equal(`/api/v1${itemsPath(OPS)}?per_page=1`);
  });

  it('answers a slash-less POST with Django 404', async () => {
    const res = await api(sb, 'POST', itemsPath(OPS).slice(0, -1), { body: { name: 'x' } });
    expect(res.status).to.equal(404);
    expect(res.body).to.deep.equal({ error: 'Page not found.' });
  });

  it('answers unknown paths and malformed UUIDs with Django 404 before authentication', async () => {
    expect((await api(sb, 'GET', '/nothing/here/', { key: null })).body).to.deep.equal({ error: 'Page not found.' });
    expect((await api(sb, 'GET', itemsPath('not-a-uuid'))).status).to.equal(404);
    expect((await api(sb, 'GET', itemsPath(OPS.toUpperCase()))).status).to.equal(404);
  });

  it('answers 405 with DRF detail for an unrouted method, including PUT on work items', async () => {
    const item = await createItem(sb, OPS, { name: 'put target' });
    const res = await api(sb, 'PUT', itemsPath(OPS, `${item.body.id}/`), { body: { name: 'x' } });
    expect(res.status).to.equal(405);
    expect(res.body).to.deep.equal({ detail: 'Method "PUT" not allowed.' });
    expect((await api(sb, 'DELETE', `/workspaces/${SLUG}/projects/`)).body).to.deep.equal({ detail: 'Method "DELETE" not allowed.' });
  });

  it('serves the same work items under /work-items/ and /issues/', async () => {
    const created = await api(sb, 'POST', itemsPath(OPS, '', 'issues'), { body: { name: 'via issues' } });
    expect(created.status).to.equal(201);
    const viaNew = await api(sb, 'GET', itemsPath(OPS, `${created.body.id}/`));
    const viaOld = await api(sb, 'GET', itemsPath(OPS, `${created.body.id}/`, 'issues'));
    expect(viaNew.body).to.deep.equal(viaOld.body);
    expect(viaNew.body.name).to.equal('via issues');
  });

  it('answers malformed JSON with a 400 parse error', async () => {
    const res = await api(sb, 'POST', itemsPath(OPS), { rawBody: '{"name":' });
    expect(res.status).to.equal(400);
    expect(res.body.detail).to.match(/^JSON parse error/);
  });
});

describe('tasker sandbox: pagination', () => {
  let sb: TaskerSandbox;
  before(async () => {
    sb = await startForTest();
    for (let i = 0; i < 4; i += 1) await createItem(sb, OPS, { name: `page item ${i}` });
  });
  after(() => sb.close());

  it('returns all 12 envelope fields with the default per_page of 100', async () => {
    const res = await api(sb, 'GET', itemsPath(OPS));
    expect(Object.keys(res.body).sort()).to.deep.equal([...ENVELOPE_FIELDS].sort());
    expect(res.body).to.include({ grouped_by: null, sub_grouped_by: null, extra_stats: null, total_count: 7, total_results: 7, count: 7 });
    expect(res.body).to.include({ next_cursor: '100:1:0', prev_cursor: '100:-1:1', next_page_results: false, prev_page_results: false, total_pages: 1 });
  });

  it('walks every page by next_cursor while next_page_results, with next_cursor present even on the last page', async () => {
    const seen: string[] = [];
    let cursor = '';
    const pages: { next_cursor: string; next_page_results: boolean; prev_page_results: boolean; prev_cursor: string; count: number }[] = [];
    for (;;) {
      const res = await api(sb, 'GET', itemsPath(OPS, `?per_page=3${cursor ? `&cursor=${cursor}` : ''}`));
      pages.push(res.body);
      seen.push(...res.body.results.map((r: { id: string }) => r.id));
      if (!res.body.next_page_results) break;
      cursor = res.body.next_cursor;
    }
    expect(pages.map((p) => p.count)).to.deep.equal([3, 3, 1]);
    expect(pages.map((p) => p.next_cursor)).to.deep.equal(['3:1:0', '3:2:0', '3:3:0']);
    expect(pages.map((p) => p.prev_cursor)).to.deep.equal(['3:-1:1', '3:0:1', '3:1:1']);
    expect(pages.map((p) => p.prev_page_results)).to.deep.equal([false, true, true]);
    expect(new Set(seen).size).to.equal(7);
  });

  it('computes the offset with the request per_page, not the cursor first field', async () => {
    const res = await api(sb, 'GET', itemsPath(OPS, '?per_page=2&cursor=100:1:0'));
    const all = await api(sb, 'GET', itemsPath(OPS));
    expect(res.body.results.map((r: { id: string }) => r.id)).to.deep.equal(all.body.results.slice(2, 4).map((r: { id: string }) => r.id));
  });

  it('ignores page= and returns the first page', async () => {
    const first = await api(sb, 'GET', itemsPath(OPS, '?per_page=2'));
    const paged = await api(sb, 'GET', itemsPath(OPS, '?per_page=2&page=3'));
    expect(paged.body.results).to.deep.equal(first.body.results);
  });

  it('rejects per_page over 1000, a malformed cursor and a negative page with 400 detail bodies', async () => {
    expect((await api(sb, 'GET', itemsPath(OPS, '?per_page=1001'))).body).to.deep.equal({ detail: 'Invalid per_page value. Cannot exceed 1000.' });
    expect((await api(sb, 'GET', itemsPath(OPS, '?cursor=abc'))).body).to.deep.equal({ detail: 'Invalid cursor parameter.' });
    const negative = await api(sb, 'GET', itemsPath(OPS, '?cursor=3:-1:1'));
    expect(negative.status).to.equal(400);
    expect(negative.body).to.deep.equal({ detail: 'Error in parsing' });
  });

  it('paginates every enveloped list the same way (states, labels, comments, projects)', async () => {
    for (const path of [projectPath(OPS, 'states/?per_page=2'), projectPath(OPS, 'labels/?per_page=2'), `/workspaces/${SLUG}/projects/?per_page=1`]) {
      const res = await api(sb, 'GET', path);
      expect(Object.keys(res.body).sort(), path).to.deep.equal([...ENVELOPE_FIELDS].sort());
      expect(res.body.next_page_results, path).to.equal(true);
    }
  });
});

describe('tasker sandbox: strict page size', () => {
  it('rejects per_page over the configured maximum', async () => {
    const sb = await startForTest({ maxPerPage: 100 });
    try {
      expect((await api(sb, 'GET', itemsPath(OPS, '?per_page=101'))).body).to.deep.equal({ detail: 'Invalid per_page value. Cannot exceed 100.' });
      expect((await api(sb, 'GET', itemsPath(OPS, '?per_page=100'))).status).to.equal(200);
    } finally {
      await sb.close();
    }
  });
});
