/**
 * The code of the child process that runs `asc` (plain CommonJS, run with `node -e`).
 *
 * Why a child process with `--liftoff-only`: binaryen is a 10 MB WebAssembly module. Under V8's
 * default tiering its hot functions are recompiled by TurboFan during the first build, and on
 * these 2-core machines that recompilation cost more than it saved: an -O3 build of policies/
 * took 3-6 s in a fresh process, against 1-2.5 s with V8 kept to its baseline compiler (measured
 * A/B in docs/BENCHMARKS.md, "Policy engine"). V8 flags hold for a whole process, and the policy
 * modules the gateway evaluates need TurboFan, so asc gets a process of its own.
 * It also keeps asc out of tsx's loader when the parent runs under tsx (tests, the bench, scripts):
 * tsx took 10-11 s just to load binaryen's file.
 * The child stays up between builds (later builds find the toolchain loaded) and exits when its
 * parent disconnects.
 *
 * Protocol (IPC, advanced serialisation): the parent sends `{ id, args, entryName, entry, files }`;
 * the child answers `{ id, wasm?, error?, stderr }`.
 */
export const ASC_CHILD_SOURCE = String.raw`
// The toolchain starts loading at once, while the parent is still parsing and planning.
const ascLoading = import(process.argv[process.argv.length - 1]);
ascLoading.catch(() => undefined);
async function compile(job) {
  const asc = await ascLoading;
  let wasm;
  const stderr = [];
  const result = await asc.default.main(job.args, {
    readFile: (name) => (name === job.entryName ? job.entry : Object.prototype.hasOwnProperty.call(job.files, name) ? job.files[name] : null),
    writeFile: (name, contents) => { if (name.endsWith('.wasm') && typeof contents !== 'string') wasm = contents; },
    listFiles: () => [],
    stdout: { write: () => true },
    stderr: { write: (s) => { stderr.push(String(s)); return true; } },
  });
  const error = result.error ? String(result.error.message ?? result.error) : undefined;
  return { wasm, error, stderr: stderr.join('') };
}
process.on('message', (job) => {
  compile(job).then(
    (out) => process.send({ id: job.id, ...out }),
    (err) => process.send({ id: job.id, error: String((err && err.stack) || err), stderr: '' }),
  );
});
process.on('disconnect', () => process.exit(0));
`;
