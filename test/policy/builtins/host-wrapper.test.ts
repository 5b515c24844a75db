import { expect } from 'chai';
import { callHostBuiltin, callHostBuiltinJson, hostBuiltins } from '../../../src/policy/builtins/index.js';

describe('host built-in wrapper for the SDK', () => {
  it('turns a failing built-in into undefined instead of throwing', () => {
    expect(() => hostBuiltins['units.parse']!(42)).to.not.throw();
    expect(hostBuiltins['units.parse']!(42)).to.equal(undefined);
    expect(hostBuiltins['io.jwt.decode']!('not a token')).to.equal(undefined);
  });

  it('returns integers beyond 2^53 as exact JSON bytes', () => {
    const raw = hostBuiltins['units.parse_bytes']!('8EiB');
    expect(raw).to.be.instanceOf(ArrayBuffer);
    expect(new TextDecoder().decode(raw as ArrayBuffer)).to.equal('9223372036854775808');
    expect(callHostBuiltinJson('units.parse', '1E')).to.equal('1000000000000000000');
  });

  it('returns plain JSON values unchanged', () => {
    expect(hostBuiltins['units.parse']!('10K')).to.equal(10000);
    expect(callHostBuiltin('strings.reverse', 'abc')).to.equal('cba');
  });
});
