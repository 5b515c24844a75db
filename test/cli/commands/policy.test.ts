import { expect } from 'chai';
import policyCommand from '../../../src/cli/commands/policy.js';
import { captureOutput } from '../../support/capture-output.js';

describe('agent-gateway policy: usage errors', () => {
  for (const sub of ['build', 'test', 'eval', 'check', 'fmt']) {
    it(`${sub}: an unknown flag exits 2 with the message and the usage, no stack trace`, async () => {
      const { code, err } = await captureOutput(() => policyCommand.run([sub, '--no-such-flag']));
      expect(code).to.equal(2);
      expect(err).to.match(/^agent-gateway policy: Unknown option '--no-such-flag'/);
      expect(err).to.contain('usage:');
      expect(err).to.not.match(/\n\s+at /);
    });
  }

  it('a flag missing its value exits 2', async () => {
    const { code, err } = await captureOutput(() => policyCommand.run(['check', '--format']));
    expect(code).to.equal(2);
    expect(err).to.contain("Option '--format <value>' argument missing");
  });

  it('an unknown subcommand exits 2', async () => {
    expect((await captureOutput(() => policyCommand.run(['lint']))).code).to.equal(2);
  });
});
