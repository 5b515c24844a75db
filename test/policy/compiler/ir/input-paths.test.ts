import { expect } from 'chai';
import { parseModule } from '../../../../src/policy/compiler/parser/index.js';
import { checkProgram } from '../../../../src/policy/compiler/check/index.js';
import { planProgram } from '../../../../src/policy/compiler/planner/index.js';
import { inputPathsRead } from '../../../../src/policy/compiler/ir/input-paths.js';
import { lookupBuiltin } from '../../../../src/policy/builtins/index.js';

/** The input paths of a one-module policy whose entrypoint is t/p. */
function pathsOf(body: string): readonly (readonly string[])[] {
  const module = parseModule(`package t\n\nimport rego.v1\n\n${body}\n`, 't.rego');
  const program = checkProgram([module], { queries: [], builtins: { lookupBuiltin } });
  return inputPathsRead(planProgram(program, [{ name: 't/p', path: ['t', 'p'] }], []));
}

describe('compiler: the input paths a module reads', () => {
  it('lists lookups by constant keys down to the value that is used', () => {
    expect(pathsOf('p if input.agent.status == "active"')).to.deep.equal([['agent', 'status']]);
  });

  it('lists each path once, in a stable order', () => {
    const body = 'p if {\n  input.b.y == 1\n  input.a.x == 2\n  input.b.y > 0\n}';
    expect(pathsOf(body)).to.deep.equal([['a', 'x'], ['b', 'y']]);
  });

  it('keeps a value whole when it is iterated', () => {
    expect(pathsOf('p if {\n  some g in input.grants\n  g.id == "x"\n}')).to.deep.equal([['grants']]);
  });

  it('keeps a value whole when it is looked up with a computed key', () => {
    expect(pathsOf('p if {\n  k := "x"\n  input.a[k] == 1\n}')).to.deep.equal([['a']]);
  });

  it('keeps a value whole when it is looked up with a number', () => {
    expect(pathsOf('p if input.a[0] == 1')).to.deep.equal([['a']]);
  });

  it('keeps a value whole when it is passed to a built-in or a function', () => {
    expect(pathsOf('p if count(input.a.items) > 1')).to.deep.equal([['a', 'items']]);
    expect(pathsOf('f(x) := x.y\n\np if f(input.a) == 1')).to.deep.equal([['a']]);
  });

  it('follows a variable bound to part of the input', () => {
    expect(pathsOf('p if {\n  a := input.a\n  a.b == 1\n}')).to.deep.equal([['a', 'b']]);
  });

  it('keeps a value whole when it is put into another value', () => {
    expect(pathsOf('p := [input.a]')).to.deep.equal([['a']]);
    expect(pathsOf('p := {"k": input.a.b}')).to.deep.equal([['a', 'b']]);
  });

  it('follows an import of part of the input', () => {
    const module = 'import input.agent as agent\n\np if agent.status == "active"';
    expect(pathsOf(module)).to.deep.equal([['agent', 'status']]);
  });

  it('follows reads into the rules a rule refers to', () => {
    expect(pathsOf('q := input.x.y\n\np if q == 1')).to.deep.equal([['x', 'y']]);
  });

  it('keeps a path whose presence alone is tested, and a longer path below it replaces it', () => {
    expect(pathsOf('p if not input.a.b')).to.deep.equal([['a', 'b']]);
    expect(pathsOf('p if {\n  input.a\n  input.a.b == 1\n}')).to.deep.equal([['a']]);
  });

  it('needs the whole input when input itself is used', () => {
    expect(pathsOf('p := input')).to.deep.equal([[]]);
    expect(pathsOf('p if count(input) > 2')).to.deep.equal([[]]);
    expect(pathsOf('p if {\n  some k, _ in input\n  k == "a"\n}')).to.deep.equal([[]]);
  });

  it('needs the whole input when a rule replaces part of it with `with`', () => {
    expect(pathsOf('q if input.a == 1\n\np if q with input.a as 1')).to.deep.equal([[]]);
  });

  it('reads nothing from a policy that never mentions input', () => {
    expect(pathsOf('p := 1')).to.deep.equal([]);
  });

  it('reads the gateway decision input only where the policy looks', async () => {
    const { readPolicySources } = await import('../../../../src/policy/build/sources.js');
    const sources = await readPolicySources('policies');
    const program = checkProgram(sources.map((f) => parseModule(f.text, f.path)), { queries: [], builtins: { lookupBuiltin } });
    const entrypoints = ['gateway/decision', 'gateway/visible_tools'].map((name) => ({ name, path: name.split('/') }));
    const paths = inputPathsRead(planProgram(program, entrypoints, []));
    expect(paths).to.deep.include(['grants']);
    expect(paths).to.deep.include(['agent', 'status']);
    expect(paths.some((p) => p[0] === 'action' && p[1] === 'args'), 'tool arguments are never read').to.equal(false);
  });
});
