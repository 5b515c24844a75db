import { expect } from 'chai';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { PolicyEngine } from '../../../src/policy/engine/index.js';
import { inputProjection, projectInput, projectedJson } from '../../../src/policy/engine/input-projection.js';
import { hostBuiltins } from '../../../src/policy/builtins/index.js';
import { compileBuild, recordingLogger } from './fixtures.js';

describe('policy engine: only the input paths a module reads reach it', function () {
  this.timeout(60_000);

  describe('projectInput', () => {
    const projection = inputProjection([['agent', 'status'], ['grants'], ['action', 'tool']])!;

    it('keeps the listed paths and drops everything else', () => {
      const input = {
        agent: { id: 'a-1', status: 'active', display_name: 'codex' },
        grants: [{ id: 'g-1', tools: ['read'] }],
        action: { tool: 'get_work_item', args: { description: 'x'.repeat(10_000) } },
        request: { request_id: 'r-1' },
      };
      expect(projectInput(input, projection)).to.deep.equal({
        action: { tool: 'get_work_item' },
        agent: { status: 'active' },
        grants: [{ id: 'g-1', tools: ['read'] }],
      });
    });

    it('keeps a key present when its listed children are missing', () => {
      expect(projectInput({ agent: { id: 'a-1' } }, projection)).to.deep.equal({ agent: {} });
    });

    it('keeps a value that is not a plain object whole, wherever it sits', () => {
      expect(projectInput({ agent: 'a string', action: ['x'] }, projection)).to.deep.equal({ agent: 'a string', action: ['x'] });
      expect(projectInput([1, 2], projection)).to.deep.equal([1, 2]);
      expect(projectInput(7, projection)).to.equal(7);
      const when = new Date('2026-01-01T00:00:00.000Z');
      expect(projectInput({ agent: when }, projection)).to.deep.equal({ agent: when });
    });

    it('emits keys in byte order, the order the module stores them in', () => {
      const kept = projectInput({ grants: [], agent: { status: 's' }, action: { tool: 't' } }, projection) as object;
      expect(Object.keys(kept)).to.deep.equal(['action', 'agent', 'grants']);
    });

    it('does not treat inherited properties as input', () => {
      const input = Object.create({ agent: { status: 'active' } }) as object;
      expect(projectInput(input, projection)).to.equal(input, 'an object with a prototype is kept whole');
      const plain = JSON.parse('{"__proto__": {"status": "x"}}') as object;
      expect(projectInput(plain, inputProjection([['agent', 'status']])!)).to.deep.equal({});
    });

    it('keeps a key named __proto__ as a key', () => {
      const input = JSON.parse('{"__proto__": {"status": "x", "other": 1}}') as object;
      const kept = projectInput(input, inputProjection([['__proto__', 'status']])!);
      expect(JSON.stringify(kept)).to.equal('{"__proto__":{"status":"x"}}');
    });

    it('writes the same JSON text as JSON.stringify of the projected value, for odd values too', () => {
      const deep = inputProjection([['a', 'b'], ['a', 'c'], ['s'], ['n'], ['o', 'x'], ['__proto__', 'k']])!;
      const inputs: unknown[] = [
        { a: { b: 'plain', c: 'needs "escaping"\n', d: 'dropped' }, s: 'caf\u00e9 \ud83d\ude00', n: -0 },
        { a: { b: 1.5e300, c: Number.NaN }, s: Number.POSITIVE_INFINITY, n: true, o: { x: null } },
        { a: { b: undefined, c: () => 1 }, s: Symbol('s'), n: [1, undefined, 'x'], o: 'not an object' },
        { a: new Date('2026-01-01T00:00:00.000Z'), s: 'lone \ud800 surrogate', o: { x: { toJSON: () => 'replaced' } } },
        { a: { toJSON: () => ({ b: 'from toJSON' }) }, o: Object.create(null) as object },
        JSON.parse('{"__proto__": {"k": 1, "j": 2}, "s": "\\u0001"}') as unknown,
        { a: {}, o: { x: { y: [{ z: 'deep' }] } } },
        [{ a: 1 }],
        'a string',
        42,
        null,
      ];
      for (const input of inputs) {
        expect(projectedJson(input, deep), String(JSON.stringify(input))).to.equal(JSON.stringify(projectInput(input, deep)));
      }
      expect(projectedJson(undefined, deep)).to.equal(undefined);
      expect(() => projectedJson({ s: 10n }, deep)).to.throw(TypeError);
    });

    it('passes the whole input when the paths include the empty path or are not given', () => {
      expect(inputProjection([[], ['a']])).to.equal(undefined);
      expect(inputProjection(undefined)).to.equal(undefined);
    });
  });

  // A policy whose rules look at input in the ways that matter for soundness: negation over a path
  // that may be missing, iteration, a computed key, a built-in over a subtree.
  const POLICY = `package t

import rego.v1

default allow := false

allow if {
	input.agent.status == "active"
	not input.flags.blocked
	some g in input.grants
	g.tool == input.action.tool
	count(input.action.tags) < 3
}

picked := input.table[input.action.tool]

denials contains "blocked" if input.flags.blocked

denials contains "no tags" if not input.action.tags
`;

  const inputs: unknown[] = [
    { agent: { status: 'active' }, grants: [{ tool: 'read' }], action: { tool: 'read', tags: [] } },
    { agent: { status: 'active', name: 'x' }, flags: { blocked: true, other: 1 }, grants: [{ tool: 'read' }], action: { tool: 'read', tags: [], args: { a: 1 } } },
    { agent: { status: 'active' }, flags: { blocked: false }, grants: [{ tool: 'read' }], action: { tool: 'read', tags: ['a', 'b', 'c'] } },
    { agent: { status: 'active' }, grants: [{ tool: 'read' }], action: { tool: 'read' }, table: { read: 'r', write: 'w' } },
    { agent: 'active', flags: 'blocked', grants: 'none', action: ['read'] },
    { extra: { deep: { value: 1 } } },
    {},
  ];

  it('gives the same results as the whole input, including for missing and odd-typed paths', async () => {
    const build = await compileBuild(POLICY, ['t/allow', 't/picked', 't/denials']);
    expect(build.manifest.input_paths).to.deep.equal([['action', 'tags'], ['action', 'tool'], ['agent', 'status'], ['flags', 'blocked'], ['grants'], ['table']]);
    const engine = await PolicyEngine.open({ build }, { logger: recordingLogger() });
    const whole = await loadPolicy(build.wasm, undefined, { ...hostBuiltins } as never);
    for (const input of inputs) {
      for (const entrypoint of ['t/allow', 't/picked', 't/denials']) {
        const rows = whole.evaluate(input, entrypoint) as Array<{ result?: unknown }>;
        expect(engine.evaluate(entrypoint, input), `${entrypoint} for ${JSON.stringify(input)}`).to.deep.equal(rows[0]?.result);
      }
    }
  });

  it('passes inputs whole to a build whose manifest lists no input paths', async () => {
    const build = await compileBuild(POLICY, ['t/allow']);
    const { input_paths: _dropped, ...manifest } = build.manifest;
    const engine = await PolicyEngine.open({ build: { wasm: build.wasm, manifest } }, { logger: recordingLogger() });
    expect(engine.evaluate('t/allow', inputs[0])).to.equal(true);
  });
});
