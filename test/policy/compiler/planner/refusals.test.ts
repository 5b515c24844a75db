import { expect } from 'chai';
import { planProgram, NETWORK_BUILTINS } from '../../../../src/policy/compiler/planner/index.js';
import { checkProgram } from '../../../../src/policy/compiler/check/index.js';
import { parseModule } from '../../../../src/policy/compiler/parser/index.js';
import { CompileError } from '../../../../src/policy/compiler/ast/index.js';
import { BUILTINS, hasHostImplementation } from '../../../../src/policy/builtins/index.js';
import { isNativeBuiltin } from '../../../../src/policy/compiler/wasm/native-builtins.js';

/** Parses, checks and plans one module (no asc: the refusals happen before code generation). */
function plan(text: string, options: { allowNetwork?: boolean } = {}) {
  const program = checkProgram([parseModule(text, 'p.rego')]);
  return planProgram(program, [{ name: 'p', path: ['p'] }], [], options);
}

function refusal(text: string): string {
  try {
    plan(text);
  } catch (err) {
    expect(err).to.be.instanceOf(CompileError);
    return (err as Error).message;
  }
  throw new Error('expected a compile error');
}

describe('planner: what regoc cannot evaluate exactly is a located compile error', () => {
  it('refuses http.send at its file:line:col unless the build allows the network', () => {
    const text = 'package p\n\nr := http.send({"method": "get", "url": "http://x"})\n';
    expect(refusal(text)).to.match(/p\.rego:3:\d+: .*http\.send needs the network/);
    expect(plan(text, { allowNetwork: true }).hostBuiltins).to.include('http.send');
  });

  it('refuses net.lookup_ip_addr the same way', () => {
    expect(refusal('package p\n\nr := net.lookup_ip_addr("example.com")\n')).to.match(/p\.rego:3:\d+: .*needs the network/);
  });

  it('implements every built-in of the catalogue but those that need the network', () => {
    // The planner sends every other catalogue built-in to the host, so each must have an
    // implementation there: this test is what keeps the catalogue from growing ahead of the engine.
    // Handled before the host: unification and assignment, print and the test marker (the
    // compiler's own), rego.metadata.* (constants at compile time), and the deprecated casts
    // (refused by the v1 checks).
    const beforeTheHost = /^(eq|assign|print|internal\.test_case|rego\.metadata\.(chain|rule)|cast_(array|boolean|null|object|set|string))$/;
    const missing = [...BUILTINS.values()]
      .filter((b) => !beforeTheHost.test(b.name))
      .filter((b) => !isNativeBuiltin(b.name) && !NETWORK_BUILTINS.has(b.name) && !hasHostImplementation(b.name))
      .map((b) => b.name);
    expect(missing).to.deep.equal([]);
  });

  it('plans rego.parse_module, which has a host implementation (it stops at run time on what it does not map)', () => {
    expect(plan('package p\n\nr := rego.parse_module("x.rego", "package x")\n').hostBuiltins).to.include('rego.parse_module');
  });

  it('accepts a network built-in that a `with` replaces', () => {
    const text = 'package p\n\nf(_) := {"status_code": 200}\nr := x if { x := http.send({}) with http.send as f }\n';
    expect(plan(text).hostBuiltins).to.not.include('http.send');
  });
});
