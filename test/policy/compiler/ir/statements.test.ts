import { expect } from 'chai';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import type { Block, Const, Func, Operand, Program, Stmt } from '../../../../src/policy/compiler/ir/types.js';
import { generateAssemblyScript } from '../../../../src/policy/compiler/wasm/backend.js';
import { compileAssemblyScript } from '../../../../src/policy/compiler/wasm/asc-driver.js';

const L = (local: number): Operand => ({ kind: 'local', local });
const C = (value: Const): Operand => ({ kind: 'const', value });
const S = (value: string): Operand => C({ type: 'string', value });
const N = (text: string): Operand => C({ type: 'number', text });
const B = (...stmts: Stmt[]): Block => ({ stmts });

/** An entrypoint whose result is local 2 when defined (locals 0 and 1 are input and data). */
function plan(name: string, ...stmts: Stmt[]): Program['plans'][number] {
  const func: Func = {
    name: `p_${name}`, params: [0, 1], result: 2, locals: 12,
    body: B(...stmts, { op: 'isDefined', local: 2 }, { op: 'makeObject', target: 11 },
      { op: 'objectInsert', object: 11, key: S('result'), value: L(2), once: false }, { op: 'resultSetAdd', value: 11 }),
  };
  return { name, func };
}

const program: Program = {
  hostBuiltins: [],
  funcs: [],
  plans: [
    // sum of input.xs with scan + native plus
    plan('scan',
      { op: 'assign', target: 2, source: N('0') },
      { op: 'dot', source: L(0), key: S('xs'), target: 3 },
      { op: 'scan', source: 3, key: null, value: 4, body: B({ op: 'call', fn: { kind: 'native', name: 'plus' }, args: [L(2), L(4)], target: 2 }) }),
    // "absent" unless input.flag is truthy
    plan('not',
      { op: 'not', body: B({ op: 'dot', source: L(0), key: S('flag'), target: 3 }, { op: 'truthy', value: L(3) }) },
      { op: 'assign', target: 2, source: S('absent') }),
    // first defined of input.a, input.b, "none"
    plan('else',
      { op: 'block', body: B({ op: 'dot', source: L(0), key: S('a'), target: 2 }) },
      { op: 'ifUndefined', local: 2, body: B({ op: 'dot', source: L(0), key: S('b'), target: 2 }) },
      { op: 'ifUndefined', local: 2, body: B({ op: 'assign', target: 2, source: S('none') }) }),
    // input with x.y replaced
    plan('upsert', { op: 'upsert', target: 2, source: 0, path: [S('x'), S('y')], value: N('1') }),
    // assignOnce over input.vs: conflict unless all equal
    plan('once',
      { op: 'dot', source: L(0), key: S('vs'), target: 3 },
      { op: 'scan', source: 3, key: null, value: 4, body: B({ op: 'assignOnce', target: 2, source: L(4) }) }),
    // array/object/set construction, unification-style type checks
    plan('make',
      { op: 'makeArray', target: 5, capacity: 2 }, { op: 'arrayAppend', array: 5, value: N('1') },
      { op: 'makeSet', target: 6 }, { op: 'setAdd', set: 6, value: N('2') }, { op: 'setAdd', set: 6, value: N('1') }, { op: 'setAdd', set: 6, value: N('2') },
      { op: 'isType', value: L(5), type: 'array', length: 1 },
      { op: 'makeObject', target: 2 },
      { op: 'objectInsert', object: 2, key: S('arr'), value: L(5), once: true },
      { op: 'objectInsert', object: 2, key: S('set'), value: L(6), once: true }),
  ],
};

describe('IR statements compiled to wasm', () => {
  let policy: Awaited<ReturnType<typeof loadPolicy>>;
  before(async function () {
    this.timeout(300_000);
    policy = await loadPolicy(await compileAssemblyScript(generateAssemblyScript(program), false));
  });

  it('scan runs its body once per element', () => {
    expect(policy.evaluate({ xs: [1, 2, 3.5] }, 'scan')).to.deep.equal([{ result: 6.5 }]);
    expect(policy.evaluate({ xs: 'not iterable' }, 'scan')).to.deep.equal([{ result: 0 }]);
  });

  it('not fails when its body completes', () => {
    expect(policy.evaluate({ flag: false }, 'not')).to.deep.equal([{ result: 'absent' }]);
    expect(policy.evaluate({ flag: true }, 'not')).to.deep.equal([]);
  });

  it('ifUndefined runs only while the local is undefined', () => {
    expect(policy.evaluate({ a: 1, b: 2 }, 'else')).to.deep.equal([{ result: 1 }]);
    expect(policy.evaluate({ b: 2 }, 'else')).to.deep.equal([{ result: 2 }]);
    expect(policy.evaluate({ c: 3 }, 'else')).to.deep.equal([{ result: 'none' }]);
  });

  it('upsert copies the document with one path replaced', () => {
    expect(policy.evaluate({ x: { y: 0, z: 2 }, w: 3 }, 'upsert')).to.deep.equal([{ result: { x: { y: 1, z: 2 }, w: 3 } }]);
  });

  it('assignOnce aborts on a second, different value', () => {
    expect(policy.evaluate({ vs: [4, 4] }, 'once')).to.deep.equal([{ result: 4 }]);
    expect(() => policy.evaluate({ vs: [4, 5] }, 'once')).to.throw().that.satisfies((e: unknown) => String(e).includes('var assignment conflict'));
  });

  it('builds arrays, sets (deduplicated and sorted) and objects', () => {
    expect(policy.evaluate({}, 'make')).to.deep.equal([{ result: { arr: [1], set: [1, 2] } }]);
  });
});
