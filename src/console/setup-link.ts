import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log/index.js';
import type { AccountService } from './accounts.js';

/**
 * On a start with no console account: one log line with the one-time setup link, and the token in
 * `<dataDir>/console-setup-token` (mode 0600) for whoever reads files rather than logs. The
 * database keeps only the token's hash; each such start replaces the previous token.
 */
export async function announceSetup(accounts: AccountService, dataDir: string, origin: string, logger: Logger): Promise<string | undefined> {
  const token = await accounts.openSetup();
  if (!token) return undefined;
  const file = join(dataDir, 'console-setup-token');
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o755 });
    await writeFile(file, token + '\n', { mode: 0o600 });
    await chmod(file, 0o600);
  } catch (err) {
    logger.warn('could not write the console setup token file', { file, error: err instanceof Error ? err.message : String(err) });
  }
  logger.warn(`console: no accounts yet. Open ${origin}/console/setup?token=${token} once to create the first admin`, { setup_file: file });
  return token;
}
