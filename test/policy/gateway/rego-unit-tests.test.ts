import { expect } from 'chai';
import { POLICIES_DIR } from '../../../src/paths.js';
import { countOutcomes, runPolicyTests } from '../../../src/policy/testing/index.js';

describe('Rego unit tests in policies/', function () {
  this.timeout(180_000);

  it('all pass through the project compiler', async () => {
    const report = await runPolicyTests({ paths: [POLICIES_DIR] });
    expect(report.errors, 'compile errors').to.deep.equal([]);
    const bad = report.results.filter((r) => r.outcome === 'FAIL' || r.outcome === 'ERROR');
    expect(bad.map((r) => `${r.package}.${r.name}: ${r.outcome}${r.error ? ` ${r.error}` : ''}`)).to.deep.equal([]);
    const counts = countOutcomes(report);
    expect(counts.PASS).to.be.greaterThan(40);
  });
});
