// Entry point for tests that run the CLI from source: the same `main` that bin/agent-gateway.js runs from dist.
import { main } from '../../src/cli/main.js';

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`agent-gateway: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
