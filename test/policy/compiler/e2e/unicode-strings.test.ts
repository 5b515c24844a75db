import { expect } from 'chai';
import { compileAndLoad } from '../compile-and-load.js';

/**
 * Strings beyond ASCII through the module: case mapping is Unicode's and `replace` with an empty
 * `old` puts the replacement between runes, as Go's strings package does. The differential test
 * (test/policy/topdown) found the module answering differently from OPA here.
 */
const RULES = `package u

upper_accent := upper(input.s)
lower_accent := lower("ÀB")
upper_greek := upper("αβγ")
replace_empty := replace(input.s, "", "-")
replace_ascii := replace("a.b.c", ".", "/")
`;

describe('regoc end to end: strings beyond ASCII', () => {
  let r: Record<string, unknown>;
  before(async function () {
    this.timeout(300_000);
    const { policy } = await compileAndLoad({ 'u.rego': RULES }, { entrypoints: ['u'] });
    r = policy.evaluate({ s: 'é' }, 'u')[0]?.result ?? {};
  });

  it('maps case over Unicode letters, not ASCII only', () => {
    expect(r.upper_accent).to.equal('É');
    expect(r.lower_accent).to.equal('àb');
    expect(r.upper_greek).to.equal('ΑΒΓ');
  });

  it('puts the replacement between runes for an empty old string, and replaces ordinary ones', () => {
    expect(r.replace_empty).to.equal('-é-');
    expect(r.replace_ascii).to.equal('a/b/c');
  });
});
