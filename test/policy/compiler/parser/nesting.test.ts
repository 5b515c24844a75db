import { expect } from 'chai';
import type { Term } from '../../../../src/policy/compiler/ast/index.js';
import { parseModule } from '../../../../src/policy/compiler/parser/index.js';

/** How deep the first item of each collection goes. */
function depth(t: Term): number {
  if (t.type === 'array' || t.type === 'set') return 1 + (t.items[0] ? depth(t.items[0]) : 0);
  if (t.type === 'object') return 1 + (t.entries[0] ? depth(t.entries[0][1]) : 0);
  return 0;
}

function valueOf(text: string): Term {
  return parseModule(`package p\n\nx := ${text}\n`, 'p.rego').rules[0]!.head.value!;
}

/*
 * Each collection is first read as a possible comprehension head, then as items: without
 * remembering what was read at each position, every level doubled the work, so a policy (or a
 * string given to rego.parse_module) 30 levels deep held the parser for minutes. A few hundred
 * levels must parse at once; mocha's timeout is the bound.
 */
describe('Rego parser: deep nesting', function () {
  this.timeout(10_000);

  it('reads arrays, sets and objects nested hundreds deep, each level once', () => {
    const n = 400;
    expect(depth(valueOf(`${'['.repeat(n)}1${']'.repeat(n)}`))).to.equal(n);
    expect(depth(valueOf(`${'{'.repeat(n)}1${'}'.repeat(n)}`))).to.equal(n);
    expect(depth(valueOf(`${'{"a": '.repeat(n)}1${'}'.repeat(n)}`))).to.equal(n);
    expect(depth(valueOf(`${'[['.repeat(n / 2)}1${']]'.repeat(n / 2)}`))).to.equal(n);
  });

  it('still tells a comprehension from a collection at every level', () => {
    const v = valueOf('[[[y | some y in [[1]]]]]');
    expect(v.type).to.equal('array');
    const inner = (v as { items: Term[] }).items[0] as { items: Term[] };
    expect(inner.items[0]!.type).to.equal('arraycomprehension');
  });

  it('reports a parse error deep inside once, without re-reading the levels above it', () => {
    const n = 300;
    expect(() => valueOf(`${'['.repeat(n)}1 +${']'.repeat(n)}`)).to.throw(/unexpected \]/);
  });
});
