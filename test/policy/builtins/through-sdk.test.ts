/**
 * Host built-ins called from a module compiled by the project's compiler and evaluated by the real
 * SDK: aliases for SDK-shadowed names, set results rebuilt from arrays, exact big integers, and
 * failing built-ins making their expression undefined.
 */
import { expect } from 'chai';
import { compileAndLoad } from '../compiler/compile-and-load.js';

const POLICY = `package t
import rego.v1

size := units.parse("10Ki")
merged := net.cidr_merge(["192.0.128.0/24", "192.0.129.0/24"])
merged_is_set if { merged == {"192.0.128.0/23"} }
message := sprintf("%d-%s-%v", [5, "x", [1]])
github if glob.match("*.github.com", [], "api.github.com")
big := units.parse_bytes("8EiB")
failing := units.parse(input.n)
failing_is_undefined if not units.parse(input.n)
claims := io.jwt.decode("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln")[1]
`;

describe('host built-ins through the compiled module and the SDK', function () {
  this.timeout(60000);

  it('evaluates host built-ins with OPA semantics end to end', async () => {
    const { policy } = await compileAndLoad({ 'builtins.rego': POLICY }, { entrypoints: ['t'] });
    // A literal units.parse(42) is a type error at compile time (as in OPA); a number in input fails at run time.
    const [row] = policy.evaluate({ n: 42 }) as { result: Record<string, unknown> }[];
    const result = row!.result;
    expect(result.size).to.equal(10240);
    expect(result.merged).to.deep.equal(['192.0.128.0/23']);
    expect(result.merged_is_set).to.equal(true);
    expect(result.message).to.equal('5-x-[1]');
    expect(result.github).to.equal(true);
    expect(result.big).to.equal(9223372036854775808);
    expect(result).to.not.have.property('failing');
    expect(result.failing_is_undefined).to.equal(true);
    expect(result.claims).to.deep.equal({ sub: 'a' });
  });
});
