import { t as listTar, type ReadEntry } from 'tar';

/** `opa build -t wasm` puts the module at `/policy.wasm` in the bundle (tar.gz). */
const WASM_ENTRY = 'policy.wasm';

function entryName(path: string): string {
  return path.replace(/^(\.\/|\/)+/, '');
}

/** Reads `/policy.wasm` out of an OPA bundle without writing anything else to disk. */
export async function extractBundleWasm(bundleFile: string): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let found = false;
  await listTar({
    file: bundleFile,
    onReadEntry: (entry: ReadEntry) => {
      if (entryName(entry.path) !== WASM_ENTRY) {
        entry.resume();
        return;
      }
      found = true;
      entry.on('data', (chunk: Buffer) => chunks.push(chunk));
    },
  });
  if (!found) throw new Error(`bundle ${bundleFile} holds no /${WASM_ENTRY}`);
  return new Uint8Array(Buffer.concat(chunks));
}
