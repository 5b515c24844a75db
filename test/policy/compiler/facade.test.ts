import { expect } from 'chai';
import { CompileError, compilePolicy, sourceRevision } from '../../../src/policy/compiler/index.js';
import { compileAndLoad } from './compile-and-load.js';

const POLICY = `package f
import rego.v1

greeting := sprintf("hi %s", [input.name])
paths := [p | walk(input.tree, [p, v]); is_number(v)]
same_time if { time.now_ns() == time.now_ns() }
inner := 1
outer := inner + 1
overridden := y if { y := outer with data.f.inner as 10 }
`;

describe('compilePolicy facade', () => {
  let loaded: Awaited<ReturnType<typeof compileAndLoad>>;
  before(async function () {
    this.timeout(300_000);
    loaded = await compileAndLoad({ 'f.rego': POLICY }, { entrypoints: ['f'], queries: [{ name: 'names', query: 'x := data.f.greeting' }] });
  });

  it('writes a manifest with revision, entrypoints, compiler and host built-ins', () => {
    const m = loaded.compiled.manifest;
    expect(m.revision).to.match(/^[0-9a-f]{64}$/);
    expect(m.entrypoints).to.deep.equal(['f', 'names']);
    expect(m.compiler).to.deep.equal({ name: 'regoc', version: m.compiler.version });
    expect(m.host_builtins).to.include.members(['regoc.sprintf', 'time.now_ns', 'walk']);
    expect(m.sources).to.deep.equal(['f.rego']);
    expect(Date.parse(m.built_at)).to.not.be.NaN;
  });

  it('computes the revision from the sorted sources only', () => {
    const a = { path: 'a.rego', text: 'package a' };
    const b = { path: 'b.rego', text: 'package b' };
    expect(sourceRevision([a, b])).to.equal(sourceRevision([b, a]));
    expect(sourceRevision([a, b])).to.not.equal(sourceRevision([a, { ...b, text: 'package b\n' }]));
  });

  it('calls host built-ins, relations and per-evaluation constants', () => {
    const r = loaded.policy.evaluate({ name: 'ann', tree: { a: 1, b: { c: 2, d: 'x' } } }, 'f')[0].result;
    expect(r.greeting).to.equal('hi ann');
    expect(r.paths).to.have.deep.members([['a'], ['b', 'c']]);
    expect(r.same_time).to.equal(true);
  });

  it('replans rules under `with data` that overrides a rule', () => {
    const r = loaded.policy.evaluate({ name: 'x', tree: {} }, 'f')[0].result;
    expect(r.outer).to.equal(2);
    expect(r.overridden).to.equal(11);
  });

  it('evaluates queries with their variables as result rows', () => {
    expect(loaded.policy.evaluate({ name: 'bo' }, 'names')).to.deep.equal([{ x: 'hi bo' }]);
  });

  it('reports syntax errors as CompileError with file:line:col', async () => {
    let error: unknown;
    try {
      await compilePolicy([{ path: 'bad.rego', text: 'package bad\n\np := [1,\n' }], {});
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(CompileError);
    expect(String((error as Error).message)).to.match(/^bad\.rego:\d+:\d+: /);
  });

  it('reports unknown functions at compile time, never at run time', async () => {
    let error: unknown;
    try {
      await compilePolicy([{ path: 'u.rego', text: 'package u\n\np := no_such_fn(1)\n' }], { entrypoints: ['u/p'] });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(CompileError);
    expect(String((error as Error).message)).to.match(/u\.rego:3:\d+: /);
  });
});
