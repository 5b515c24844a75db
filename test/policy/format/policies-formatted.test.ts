import { expect } from 'chai';
import policyCommand from '../../../src/cli/commands/policy.js';
import { POLICIES_DIR } from '../../../src/paths.js';

describe('policies/ is formatted', () => {
  it('agent-gateway policy fmt --fail policies/ passes (run `policy fmt --write policies/` to fix)', async () => {
    let err = '';
    const writeErr = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((c: string | Uint8Array) => { err += String(c); return true; }) as typeof process.stderr.write;
    let code: number;
    try {
      code = await policyCommand.run(['fmt', '--fail', POLICIES_DIR]);
    } finally {
      process.stderr.write = writeErr;
    }
    expect(code, err).to.equal(0);
  });
});
