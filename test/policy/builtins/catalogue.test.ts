import { expect } from 'chai';
import {
  BUILTINS,
  SDK_SHADOWED_ALIASES,
  hostBuiltins,
  hostImplementations,
  lookupBuiltin,
} from '../../../src/policy/builtins/index.js';

describe('built-in catalogue', () => {
  it('lists the OPA 1.x capabilities built-ins with their arities', () => {
    expect(BUILTINS.size).to.be.greaterThan(190);
    expect(lookupBuiltin('count')?.arity).to.equal(1);
    expect(lookupBuiltin('regex.template_match')?.arity).to.equal(4);
    expect(lookupBuiltin('time.now_ns')?.arity).to.equal(0);
    expect(lookupBuiltin('print')?.variadic).to.equal(true);
    expect(lookupBuiltin('no.such.builtin')).to.equal(undefined);
  });

  it('marks results that are sets so the module can rebuild them from arrays', () => {
    for (const name of ['net.cidr_merge', 'net.cidr_expand', 'object.keys', 'graph.reachable', 'union', 'intersection']) {
      expect(lookupBuiltin(name)?.resultKind, name).to.equal('set');
    }
    expect(lookupBuiltin('minus')?.resultKind).to.equal('mixed');
    expect(lookupBuiltin('print')?.resultKind).to.equal('none');
    expect(lookupBuiltin('json.remove')?.setArgs).to.deep.equal([1]);
  });

  it('flags nondeterministic, deprecated, relation and infix built-ins', () => {
    expect(lookupBuiltin('time.now_ns')?.nondeterministic).to.equal(true);
    expect(lookupBuiltin('io.jwt.decode_verify')?.nondeterministic).to.equal(true);
    expect(lookupBuiltin('count')?.nondeterministic).to.equal(false);
    expect(lookupBuiltin('re_match')?.deprecated).to.equal(true);
    expect(lookupBuiltin('walk')?.relation).to.equal(true);
    expect(lookupBuiltin('equal')?.infix).to.equal('==');
    expect(lookupBuiltin('or')?.infix).to.equal('|');
  });

  it('routes built-ins the SDK shadows through aliases, all others by name', () => {
    expect(lookupBuiltin('sprintf')?.hostKey).to.equal('regoc.sprintf');
    expect(lookupBuiltin('regex.split')?.hostKey).to.equal('regoc.regex.split');
    expect(lookupBuiltin('glob.match')?.hostKey).to.equal('glob.match');
    for (const [name, alias] of Object.entries(SDK_SHADOWED_ALIASES)) expect(lookupBuiltin(name)?.hostKey).to.equal(alias);
  });

  it('registers every host implementation under its catalogue host key', () => {
    for (const name of hostImplementations.keys()) {
      const spec = lookupBuiltin(name);
      expect(spec, name).to.not.equal(undefined);
      expect(hostBuiltins[spec!.hostKey], name).to.be.a('function');
    }
    expect(hostBuiltins.sprintf).to.equal(undefined);
  });
});
