import { expect } from 'chai';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { caseId, sampleByFolder } from '../../../src/policy/conformance/index.js';

const file = (...notes: string[]): string =>
  `cases:\n${notes.map((n) => `  - note: ${n}\n    query: x = 1\n    want_result:\n      - x: 1\n`).join('')}`;

describe('conformance sampleByFolder: one case per folder read from the directory', () => {
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'conformance-sample-'));
    for (const folder of ['alpha', 'beta', 'gamma']) await mkdir(join(dir, folder));
    await writeFile(join(dir, 'alpha', 'b.yaml'), file('alpha/b0'));
    await writeFile(join(dir, 'alpha', 'a.yaml'), file('alpha/a0', 'alpha/a1'));
    await writeFile(join(dir, 'beta', 'a.yaml'), file('beta/skipped'));
    await writeFile(join(dir, 'beta', 'b.yaml'), file('beta/refused', 'beta/b1'));
    await writeFile(join(dir, 'gamma', 'a.yaml'), file('gamma/refused'));
    await writeFile(join(dir, 'README.md'), 'not a case file');
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('takes the first case in sorted (file, index) order that is not excluded, for every folder', async () => {
    const excluded = new Set(['beta/a.yaml :: beta/skipped', 'beta/b.yaml :: beta/refused', 'gamma/a.yaml :: gamma/refused']);
    const samples = await sampleByFolder(dir, (ref) => excluded.has(caseId(ref)));
    expect(samples.map((s) => [s.folder, s.ref && caseId(s.ref), s.ref?.index])).to.deep.equal([
      ['alpha', 'alpha/a.yaml :: alpha/a0', 0],
      ['beta', 'beta/b.yaml :: beta/b1', 1],
      ['gamma', undefined, undefined],
    ]);
  });

  it('covers a folder added later without any list to update', async () => {
    await mkdir(join(dir, 'delta'));
    await writeFile(join(dir, 'delta', 'x.yaml'), file('delta/x0'));
    const samples = await sampleByFolder(dir, () => false);
    expect(samples.map((s) => s.folder)).to.deep.equal(['alpha', 'beta', 'delta', 'gamma']);
  });
});
