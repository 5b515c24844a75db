import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, decodeSecretKey, encodeSecretKey, SECRET_KEY_MIN_BYTES } from '../config/index.js';

export interface DataDirSecretKey {
  key: Buffer;
  file: string;
  /** True when this start generated the file. */
  created: boolean;
}

/**
 * Writes a fresh key to a private temporary file, flushes it, and links it into place: of two
 * processes starting on one data dir at once, exactly one key wins and nobody reads a half-written file.
 */
async function createOnce(file: string): Promise<boolean> {
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(encodeSecretKey(randomBytes(SECRET_KEY_MIN_BYTES)) + '\n');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temporary, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}

/**
 * Without GATEWAY_SECRET_KEY the server key lives in `<dataDir>/secret-key` (mode 0600), generated
 * once and read on every later start. A file that holds no valid key stops the start instead of
 * being replaced: a silent new key would void every live code without anyone knowing why.
 */
export async function dataDirSecretKey(dataDir: string): Promise<DataDirSecretKey> {
  const file = join(dataDir, 'secret-key');
  await mkdir(dataDir, { recursive: true, mode: 0o755 });
  const created = existsSync(file) ? false : await createOnce(file);
  if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
  const key = decodeSecretKey(await readFile(file, 'utf8'));
  if (!key) throw new ConfigError('GATEWAY_SECRET_KEY', `${file} holds no valid key (at least ${SECRET_KEY_MIN_BYTES} bytes, base64 or hex); restore it, delete it to generate a new one, or set GATEWAY_SECRET_KEY`);
  return { key, file, created };
}
