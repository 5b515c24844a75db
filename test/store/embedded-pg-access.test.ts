import { chmod, chown, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { blockingDirectory, ensureRootDirectory, type RunAs } from '../../src/store/embedded-pg-access.js';
import { EmbeddedPostgresError } from '../../src/store/embedded-pg-failure.js';

/** A user that owns nothing here and is in no group that does: it passes only where others may. */
const stranger: RunAs = { name: 'nobody', uid: 65534, gid: 65534 };

describe('store: where the embedded server (running as another user) may go', () => {
  let outer: string;

  beforeEach(async () => {
    outer = await mkdtemp(join(tmpdir(), 'agw-access-'));
  });

  afterEach(async () => {
    await rm(outer, { recursive: true, force: true });
  });

  it('names the first directory on the way that the user may not enter, and none when all are open', async () => {
    const inner = join(outer, 'a', 'b');
    await mkdir(inner, { recursive: true, mode: 0o755 });
    await chmod(outer, 0o700);
    expect((await blockingDirectory(inner, stranger))?.dir).to.equal(outer);
    await chmod(outer, 0o711);
    expect(await blockingDirectory(inner, stranger)).to.equal(undefined);
  });

  describe('EMBEDDED_PG_HOME, as root', function () {
    before(function () {
      if (process.getuid?.() !== 0) this.skip();
    });

    it('accepts a root-owned private directory below sticky /tmp and opens it for entering (0755)', async () => {
      const home = await ensureRootDirectory(outer, 'EMBEDDED_PG_HOME');
      expect((await stat(home)).mode & 0o777).to.equal(0o755);
    });

    it('refuses a directory others may write, rather than repairing it', async () => {
      await chmod(outer, 0o777);
      const error = await ensureRootDirectory(outer, 'EMBEDDED_PG_HOME').catch((err: unknown) => err);
      expect(error).to.be.instanceOf(EmbeddedPostgresError);
      expect((error as EmbeddedPostgresError).fix).to.contain('EMBEDDED_PG_HOME');
      expect((await stat(outer)).mode & 0o777).to.equal(0o777);
    });

    it('refuses a directory owned by another user, and one below a directory another user owns', async () => {
      const theirs = join(outer, 'theirs');
      await mkdir(join(theirs, 'inside'), { recursive: true, mode: 0o755 });
      await chown(theirs, stranger.uid, stranger.gid);
      for (const dir of [theirs, join(theirs, 'inside')]) {
        const error = await ensureRootDirectory(dir, 'EMBEDDED_PG_HOME').catch((err: unknown) => err);
        expect(error, dir).to.be.instanceOf(EmbeddedPostgresError);
        expect((error as EmbeddedPostgresError).reason).to.contain(theirs);
      }
    });
  });
});
