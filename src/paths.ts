import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root, found by walking up from this file. The code runs both from `src/` (tests,
 * through tsx) and from `dist/` (the installed CLI), so fixed relative paths would break one of them.
 */
function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

export const PACKAGE_ROOT = findPackageRoot();
export const SCHEMAS_DIR = join(PACKAGE_ROOT, 'schemas');
export const POLICIES_DIR = join(PACKAGE_ROOT, 'policies');
export const MIGRATIONS_DIR = join(PACKAGE_ROOT, 'migrations');
export const SRC_DIR = join(PACKAGE_ROOT, 'src');
