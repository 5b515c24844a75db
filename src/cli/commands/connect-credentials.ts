import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** What `connect` keeps per gateway, and `doctor` reads back. */
export interface StoredCredential {
  server: string;
  access_token: string;
  token_id: string;
  expires_at: string | null;
  agent: { id: string; display_name: string };
  server_name: string;
  saved_at: string;
}

/** `$XDG_CONFIG_HOME/agent-gateway/credentials.json`, else `~/.config/agent-gateway/credentials.json`. */
export function credentialsFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'agent-gateway', 'credentials.json');
}

export function readCredentials(file: string): Record<string, StoredCredential> {
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, StoredCredential>;
  } catch {
    return {};
  }
}

/**
 * Saves one gateway's token beside the others. The directory is 0700 and the file 0600 from the
 * moment it exists (written to a private temporary file, then renamed), so no other local user can
 * read the token even for an instant.
 */
export async function saveCredential(file: string, credential: StoredCredential): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await chmod(dirname(file), 0o700);
  const all = { ...readCredentials(file), [credential.server]: credential };
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(all, null, 2) + '\n', { mode: 0o600 });
  await rename(temporary, file);
  await chmod(file, 0o600);
}
