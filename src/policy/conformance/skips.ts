import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The cases OPA's own wasm target skips, from the suite's WASM_SKIPS.md table
 * (`| file | note | reason |`): integers wider than 64 bits, which no wasm value can hold.
 * Returns case ids (`file :: note`) mapped to the upstream reason.
 */
export async function readWasmSkips(casesDir: string): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await readFile(join(casesDir, 'WASM_SKIPS.md'), 'utf8');
  } catch {
    return new Map();
  }
  const skips = new Map<string, string>();
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 5 || !cells[1]!.endsWith('.yaml')) continue;
    skips.set(`${cells[1]} :: ${cells[2]}`, cells[3]!);
  }
  return skips;
}
