import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPS, api, createItem, itemsPath, startForTest } from './helpers.js';

describe('tasker sandbox: JSON snapshot', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'tasker-sbx-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('saves at start and close, and a restart continues with the same data and sequence', async () => {
    const path = join(dir, 'sandbox.json');
    const first = await startForTest({ snapshotPath: path });
    expect(existsSync(path)).to.equal(true);
    const item = (await createItem(first, OPS, { name: 'persisted' })).body;
    await first.close();
    const second = await startForTest({ snapshotPath: path });
    try {
      expect((await api(second, 'GET', itemsPath(OPS, `${item.id}/`))).body.name).to.equal('persisted');
      expect((await createItem(second, OPS, { name: 'next' })).body.sequence_id).to.equal(item.sequence_id + 1);
    } finally {
      await second.close();
    }
  });

  it('keeps only key hashes on disk, readable by the owner only, and replaces keys on restart', async () => {
    const path = join(dir, 'sandbox.json');
    const first = await startForTest({ snapshotPath: path });
    const oldKey = first.apiKeys.admin;
    await first.close();
    const text = readFileSync(path, 'utf8');
    expect(text).to.not.include(oldKey);
    expect(statSync(path).mode & 0o077).to.equal(0);
    const second = await startForTest({ snapshotPath: path, apiKeys: { admin: 'pinned-admin-key' } });
    try {
      expect((await api(second, 'GET', '/users/me/', { key: oldKey })).status).to.equal(403);
      expect((await api(second, 'GET', '/users/me/', { key: 'pinned-admin-key' })).status).to.equal(200);
    } finally {
      await second.close();
    }
  });

  it('writes changes while running, without waiting for close', async () => {
    const path = join(dir, 'sandbox.json');
    const sb = await startForTest({ snapshotPath: path, snapshotIntervalMs: 20 });
    try {
      const item = (await createItem(sb, OPS, { name: 'written early' })).body;
      for (let i = 0; i < 100 && !readFileSync(path, 'utf8').includes(item.id); i += 1) await new Promise((r) => setTimeout(r, 20));
      expect(readFileSync(path, 'utf8')).to.include(item.id);
    } finally {
      await sb.close();
    }
  });

  it('has every answered change on disk already: no interval, no close (write-through)', async () => {
    const path = join(dir, 'sandbox.json');
    const sb = await startForTest({ snapshotPath: path, snapshotIntervalMs: 3_600_000 });
    try {
      const answers = await Promise.all(['one', 'two', 'three'].map((name) => createItem(sb, OPS, { name })));
      const onDisk = readFileSync(path, 'utf8');
      for (const { status, body } of answers) {
        expect(status).to.equal(201);
        expect(onDisk).to.include(body.id);
      }
      const renamed = await api(sb, 'PATCH', itemsPath(OPS, `${answers[0]!.body.id}/`), { body: { name: 'renamed at once' } });
      expect(renamed.status).to.equal(200);
      expect(readFileSync(path, 'utf8')).to.include('renamed at once');
    } finally {
      await sb.close();
    }
  });

  it('starts from the seed with reset, overwriting the old data, and says whether it restored', async () => {
    const path = join(dir, 'sandbox.json');
    const first = await startForTest({ snapshotPath: path });
    expect(first.restored).to.equal(false);
    expect(first.projects).to.deep.equal(['OPS', 'PUB']);
    const item = (await createItem(first, OPS, { name: 'to be forgotten' })).body;
    await first.close();
    const again = await startForTest({ snapshotPath: path });
    expect(again.restored).to.equal(true);
    await again.close();
    const fresh = await startForTest({ snapshotPath: path, reset: true });
    try {
      expect(fresh.restored).to.equal(false);
      expect((await api(fresh, 'GET', itemsPath(OPS, `${item.id}/`))).status).to.equal(404);
      expect(readFileSync(path, 'utf8')).to.not.include(item.id);
    } finally {
      await fresh.close();
    }
  });

  it('removes temporary files a killed writer left beside the snapshot', async () => {
    const path = join(dir, 'sandbox.json');
    writeFileSync(`${path}.4242.tmp`, '{"half": ');
    const sb = await startForTest({ snapshotPath: path });
    await sb.close();
    expect(existsSync(`${path}.4242.tmp`)).to.equal(false);
    expect(existsSync(path)).to.equal(true);
  });

  it('refuses a file that is not a sandbox snapshot', async () => {
    const path = join(dir, 'other.json');
    writeFileSync(path, '{"hello": 1}');
    let error: unknown;
    try {
      await startForTest({ snapshotPath: path });
    } catch (err) {
      error = err;
    }
    expect(String(error)).to.match(/not a sandbox snapshot/);
  });
});
