import { expect } from 'chai';
import { runBatch } from './support/differential.js';

/**
 * The brief version of `npm run fuzz:policy`: random well-formed policies (support/rego-gen.ts)
 * compiled into one module, every entrypoint evaluated on random inputs by the module and by the
 * TypeScript evaluator, which must agree. A fixed seed keeps CI reproducible; the fuzz script
 * varies it.
 */
describe('policy evaluator and compiled module agree on random policies (differential)', function () {
  this.timeout(180_000);

  it('gives the same result (or both fail) for every entrypoint and input of a batch', async () => {
    const stats = await runBatch(20260101, 24, 6);
    expect(stats.entrypoints).to.be.greaterThan(20);
    expect(stats.refused).to.equal(0);
    expect(stats.disagreements.slice(0, 3)).to.deep.equal([]);
  });
});
