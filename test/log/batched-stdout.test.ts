import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'chai';
import { PACKAGE_ROOT } from '../../src/paths.js';

describe('log: lines gathered for a few milliseconds and written together', function () {
  this.timeout(60_000);

  it('writes every line, in order and redacted, even when the process exits right after logging them', () => {
    const count = 3000;
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(PACKAGE_ROOT, 'test/log/fixtures/log-lines.ts'), String(count)], { cwd: PACKAGE_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(run.status).to.equal(0);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { i: number; level: string; note: string });
    expect(lines.map((l) => l.i)).to.deep.equal(Array.from({ length: count }, (_, i) => i));
    expect(lines[10]!.level).to.equal('error');
    expect(run.stdout).to.not.include('0123456789012345678901234567890123456789012');
  });

  it('neither keeps the process alive for its pending lines nor loses them when the process ends on its own', () => {
    const started = Date.now();
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(PACKAGE_ROOT, 'test/log/fixtures/log-lines.ts'), '5', 'natural'], { cwd: PACKAGE_ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(run.status).to.equal(0);
    expect(run.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { i: number }).i)).to.deep.equal([0, 1, 2, 3, 4]);
    expect(Date.now() - started).to.be.below(30_000);
  });
});
