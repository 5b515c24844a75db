#!/usr/bin/env node
// The published entry point runs the compiled CLI; `npm run build` (run by `npm install`) produces it.
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => {
    process.stderr.write(`agent-gateway: ${err && err.message ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
