import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { READ_OPS, newAgent, startStack, type Stack } from './support.js';

const run = promisify(execFile);

describe('e2e: npm run smoke:inspector drives /mcp with @modelcontextprotocol/inspector-cli', function () {
  this.timeout(180_000);
  let stack: Stack;

  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack?.close();
  });

  it('lists the tools and calls whoami through a client nobody here wrote', async () => {
    const { token } = await newAgent(stack, READ_OPS);
    const { stdout } = await run(process.execPath, ['--import', 'tsx', join(PACKAGE_ROOT, 'scripts', 'smoke-inspector.ts')], {
      cwd: PACKAGE_ROOT,
      env: { ...process.env, GATEWAY_URL: stack.baseUrl, AGENT_TOKEN: token },
      timeout: 150_000,
    });
    const visible = stack.context.registry.list().filter((c) => c['x-gateway'].kind === 'read').length;
    expect(stdout).to.match(new RegExp(`^ok - tools/list answered ${visible} tools`, 'm'));
    expect(stdout).to.match(/^ok - whoami answered for agent "Test agent"/m);
  });

  it('fails (exit code 1) when the token is not accepted', async () => {
    const failure = await run(process.execPath, ['--import', 'tsx', join(PACKAGE_ROOT, 'scripts', 'smoke-inspector.ts')], {
      cwd: PACKAGE_ROOT,
      env: { ...process.env, GATEWAY_URL: stack.baseUrl, AGENT_TOKEN: 'agw_not_a_real_token' },
      timeout: 150_000,
    }).then(
      () => undefined,
      (err: { code?: number }) => err,
    );
    expect(failure?.code).to.equal(1);
  });
});
