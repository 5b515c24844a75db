import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log/index.js';
import type { AccountService } from './accounts.js';

/**
 * On a start with no console account: the one-time setup link on stderr, a JSON log line naming
 * the token file, and the token in `<dataDir>/console-setup-token` (mode 0600). The database keeps
 * only the token's hash; each such start replaces the previous token.
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
  // The JSON log redacts console secrets (log pipelines keep them), so it names the file; the link
  // itself goes once, as a plain line, to the terminal that started the gateway.
  logger.warn('console: no accounts yet; open the one-time setup link printed on stderr (or read the token file) to create the first admin', { setup_path: '/console/setup?token=<the token in setup_file>', setup_file: file });
  process.stderr.write(`\nagent-gateway console: no accounts yet. Open this link once to create the first admin:\n  ${origin}/console/setup?token=${token}\n\n`);
  return token;
}
