import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { resolveRuntime } from '../../src/gateway/index.js';
import { dataDirSecretKey, SecretHasher } from '../../src/identity/index.js';
import { runCli, testDatabaseUrl } from '../support/index.js';
import { capturingLogger } from '../support/logs.js';

describe('identity: the server secret key', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'agw-key-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  describe('the data-directory key file', () => {
    it('is created once with mode 0600 and the same key is read on every later start', async () => {
      const first = await dataDirSecretKey(dir);
      expect(first.created).to.equal(true);
      expect(first.file).to.equal(join(dir, 'secret-key'));
      expect(statSync(first.file).mode & 0o777).to.equal(0o600);
      expect(first.key.length).to.be.at.least(32);
      const again = await dataDirSecretKey(dir);
      expect(again.created).to.equal(false);
      expect(again.key.equals(first.key)).to.equal(true);
    });

    it('gives one key to processes that start on the same data dir at once', async () => {
      const keys = await Promise.all(Array.from({ length: 6 }, () => dataDirSecretKey(dir)));
      expect(keys.filter((k) => k.created)).to.have.length(1);
      for (const k of keys) expect(k.key.equals(keys[0]!.key)).to.equal(true);
    });

    it('tightens a key file others can read back to 0600', async () => {
      const { file } = await dataDirSecretKey(dir);
      chmodSync(file, 0o644);
      await dataDirSecretKey(dir);
      expect(statSync(file).mode & 0o777).to.equal(0o600);
    });

    it('refuses a damaged key file, naming the file, and leaves it for the operator', async () => {
      const file = join(dir, 'secret-key');
      writeFileSync(file, 'too-short\n', { mode: 0o600 });
      const err = await dataDirSecretKey(dir).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(ConfigError);
      expect((err as ConfigError).variable).to.equal('GATEWAY_SECRET_KEY');
      expect((err as Error).message).to.contain(file);
      expect(readFileSync(file, 'utf8')).to.equal('too-short\n');
    });
  });

  describe('GATEWAY_SECRET_KEY', () => {
    const raw = randomBytes(32);
    for (const [form, text] of [
      ['hex', raw.toString('hex')],
      ['base64', raw.toString('base64')],
      ['base64url', raw.toString('base64url')],
    ] as const) {
      it(`is read as ${form}`, () => {
        expect(loadConfig({ GATEWAY_SECRET_KEY: text }).secretKey?.equals(raw)).to.equal(true);
      });
    }

    for (const [problem, text] of [
      ['too short (16 bytes)', randomBytes(16).toString('base64')],
      ['31 bytes in hex', randomBytes(31).toString('hex')],
      ['not hex or base64', `${randomBytes(32).toString('base64')}!`],
      ['one repeated byte (a placeholder)', '0'.repeat(64)],
    ] as const) {
      it(`is refused when ${problem}, naming the variable but never repeating the value`, () => {
        const err = (() => {
          try {
            loadConfig({ GATEWAY_SECRET_KEY: text });
          } catch (e) {
            return e;
          }
          return undefined;
        })();
        expect(err).to.be.instanceOf(ConfigError);
        expect((err as ConfigError).variable).to.equal('GATEWAY_SECRET_KEY');
        expect((err as Error).message).not.to.contain(text);
      });
    }

    it('stops `agent-gateway start` with exit code 2 before anything starts when it is short', async function () {
      this.timeout(30_000);
      const short = randomBytes(12).toString('base64');
      const res = await runCli(['start'], { GATEWAY_SECRET_KEY: short, DATA_DIR: dir, PORT: '0' });
      expect(res.code).to.equal(2);
      expect(res.stderr).to.match(/invalid configuration: GATEWAY_SECRET_KEY: expected at least 32 random bytes/);
      expect(res.stderr + res.stdout).not.to.contain(short);
      expect(existsSync(join(dir, 'secret-key'))).to.equal(false);
    });
  });

  describe('at start (resolveRuntime)', () => {
    const serving = (env: Record<string, string>) => loadConfig({ DATABASE_URL: testDatabaseUrl(), INTERNAL_API_TOKEN: randomBytes(32).toString('base64url'), DATA_DIR: dir, ...env });

    it('uses GATEWAY_SECRET_KEY when set and writes no key file', async () => {
      const key = randomBytes(32);
      const { logger } = capturingLogger();
      const runtime = await resolveRuntime(serving({ GATEWAY_SECRET_KEY: key.toString('hex') }), logger, 'share');
      expect(runtime.config.secretKey?.equals(key)).to.equal(true);
      expect(runtime.secretKeyFile).to.equal(undefined);
      expect(existsSync(join(dir, 'secret-key'))).to.equal(false);
    });

    it('falls back to the data-dir key file with DATABASE_URL, and warns that instances must share the key', async () => {
      const { logger, capture } = capturingLogger();
      const runtime = await resolveRuntime(serving({}), logger, 'share');
      expect(runtime.secretKeyFile).to.equal(join(dir, 'secret-key'));
      expect(runtime.config.secretKey?.equals((await dataDirSecretKey(dir)).key)).to.equal(true);
      const warning = capture.lines.map((l) => JSON.parse(l)).find((l) => l.level === 'warn');
      expect(warning?.message).to.match(/GATEWAY_SECRET_KEY is not set/);
      expect(warning?.secret_key_file).to.equal(join(dir, 'secret-key'));
    });

    it('resolves no key for commands that do not serve (migrate, audit)', async () => {
      const { logger } = capturingLogger();
      const runtime = await resolveRuntime(serving({}), logger, 'share', false);
      expect(runtime.config.secretKey).to.equal(undefined);
      expect(existsSync(join(dir, 'secret-key'))).to.equal(false);
    });
  });

  describe('SecretHasher', () => {
    it('gives each purpose and each key its own values, and refuses a short key', () => {
      const key = randomBytes(32);
      const hasher = new SecretHasher(key);
      const mac = hasher.mac('pairing-code', 'AB12CD34');
      expect(mac).to.match(/^[0-9a-f]{64}$/);
      expect(hasher.mac('user-code', 'AB12CD34')).not.to.equal(mac);
      expect(new SecretHasher(randomBytes(32)).mac('pairing-code', 'AB12CD34')).not.to.equal(mac);
      expect(new SecretHasher(Buffer.from(key)).mac('pairing-code', 'AB12CD34')).to.equal(mac);
      expect(hasher.matches('pairing-code', 'AB12CD34', mac)).to.equal(true);
      expect(hasher.matches('pairing-code', 'AB12CD35', mac)).to.equal(false);
      expect(hasher.matches('pairing-code', 'AB12CD34', mac.slice(0, 62))).to.equal(false);
      expect(() => new SecretHasher(randomBytes(31))).to.throw(/at least 32 bytes/);
    });
  });
});
