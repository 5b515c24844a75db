import { expect } from 'chai';
import { policyReadsUsage } from '../../src/decision/usage.js';
import type { BuildManifest } from '../../src/policy/index.js';
import { openEngine } from './support.js';

function engineWith(inputPaths: string[][] | undefined, ready = true): { ready: boolean; manifest: BuildManifest } {
  return { ready, manifest: { input_paths: inputPaths } as unknown as BuildManifest };
}

describe('decision: the usage query runs only for a policy that reads usage', () => {
  it('reads usage for the shipped policy, whose budget rules read it', async () => {
    expect(policyReadsUsage(await openEngine())).to.equal(true);
  });

  it('reads usage when the build lists a path under usage, and not when it lists none', () => {
    expect(policyReadsUsage(engineWith([['grants'], ['usage', 'writes_last_hour']]))).to.equal(true);
    expect(policyReadsUsage(engineWith([['grants'], ['usage']]))).to.equal(true);
    expect(policyReadsUsage(engineWith([['grants'], ['action', 'tool'], ['request', 'usage']]))).to.equal(false);
  });

  it('reads usage when the build does not say what it reads, reads the whole input, or is not loaded', () => {
    expect(policyReadsUsage(engineWith(undefined))).to.equal(true);
    expect(policyReadsUsage(engineWith([['grants'], []]))).to.equal(true);
    expect(policyReadsUsage(engineWith([['grants']], false))).to.equal(true);
  });
});
