import { expect } from 'chai';
import { planProgram } from '../../../../src/policy/compiler/planner/index.js';
import type { Block, Stmt } from '../../../../src/policy/compiler/ir/types.js';
import { CompileError } from '../../../../src/policy/compiler/ast/index.js';
import { call, eq, group, n, program, ref, rule, s, v } from '../ast-builders.js';

function ops(block: Block): string[] {
  const out: string[] = [];
  const visit = (b: Block): void => {
    for (const st of b.stmts) {
      out.push(st.op);
      const nested = (st as Extract<Stmt, { body: Block }>).body;
      if (nested) visit(nested);
    }
  };
  visit(block);
  return out;
}

describe('planner: IR shapes', () => {
  it('plans a ref with an unbound variable as a scan', () => {
    const p = program([group('set', ['t', 's'], [rule('set', ['t', 's'], {
      key: v('__local1__'), body: [eq(v('__local1__'), ref('input', 'xs', v('__local0__')))],
    })])]);
    const ir = planProgram(p, [{ name: 't/s', path: ['t', 's'] }], []);
    const fn = ir.funcs.find((f) => f.name.includes('t_s'))!;
    expect(ops(fn.body)).to.include.members(['makeSet', 'scan', 'setAdd']);
  });

  it('gives a constant-valued complete rule its own first-solution function', () => {
    const p = program([group('complete', ['t', 'allow'], [rule('complete', ['t', 'allow'], {
      value: { type: 'boolean', value: true, loc: { file: 't', line: 1, col: 1 } },
      body: [eq(ref('input', 'xs', v('__local0__')), n(1))],
    })])]);
    const ir = planProgram(p, [{ name: 't/allow', path: ['t', 'allow'] }], []);
    const bodyFn = ir.funcs.find((f) => f.name.includes('_b'))!;
    expect(ops(bodyFn.body)).to.include('return');
    const groupFn = ir.funcs.find((f) => !f.name.includes('_b'))!;
    expect(groupFn.cache).to.equal(true);
    expect(ops(groupFn.body)).to.include('assignOnce');
  });

  it('sends built-ins without a native implementation to the host, once each', () => {
    const p = program([group('complete', ['t', 'x'], [rule('complete', ['t', 'x'], {
      value: v('__local1__'),
      body: [call('sprintf', s('%v'), ref('input', 'a'), v('__local0__')), call('sprintf', s('%v'), v('__local0__'), v('__local1__'))],
    })])]);
    const ir = planProgram(p, [{ name: 't/x', path: ['t', 'x'] }], []);
    expect(ir.hostBuiltins).to.deep.equal(['regoc.sprintf']);
  });

  it('reports an unknown built-in as a located compile error', () => {
    const p = program([group('complete', ['t', 'x'], [rule('complete', ['t', 'x'], {
      value: v('__local0__'), body: [{ ...call('no.such.builtin', n(1), v('__local0__')), target: { kind: 'builtin', name: 'no.such.builtin', arity: 1 } }],
    })])]);
    expect(() => planProgram(p, [{ name: 't/x', path: ['t', 'x'] }], [])).to.throw(CompileError, /t.rego:1:1: .*unknown built-in no.such.builtin/);
  });
});
