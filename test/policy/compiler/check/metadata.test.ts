import { expect } from 'chai';
import { CompileError } from '../../../../src/policy/compiler/index.js';
import { Obj, fromJs, preparePolicy, toJs } from '../../../../src/policy/topdown/index.js';
import { compileAndLoad } from '../compile-and-load.js';

type Files = Record<string, string>;

function evaluate(files: Files, entrypoint: string): unknown {
  const prepared = preparePolicy(Object.entries(files).map(([path, text]) => ({ path, text })), { entrypoints: [entrypoint] });
  const rows = toJs(prepared.interpreter.evaluate(entrypoint, fromJs({}), new Obj())) as Array<{ result: unknown }>;
  return rows[0]?.result;
}

function compileErrors(files: Files, entrypoint: string): string[] {
  try {
    preparePolicy(Object.entries(files).map(([path, text]) => ({ path, text })), { entrypoints: [entrypoint] });
  } catch (err) {
    if (err instanceof CompileError) return err.diagnostics.map((d) => `${d.loc.file}:${d.loc.line}:${d.loc.col}: ${d.code}: ${d.message}`);
    throw err;
  }
  return [];
}

const LAYERED: Files = {
  'a.rego': '# METADATA\n# scope: subpackages\n# title: Everything under org\npackage org\n',
  'b.rego': `# METADATA
# description: The apps package
# organizations:
# - Acme
package org.apps

# METADATA
# scope: document
# title: Who may deploy
# related_resources:
# - https://example.com/deploy
# - ref: https://example.com/runbook
#   description: Runbook

# METADATA
# title: Deploy on weekdays
# authors:
# - Jane Doe <jane@example.com>
# - name: Ops
# custom:
#   severity: 3
#   tags: [a, "b"]
#   ratio: 0.5
#   on_call: null
allow := rego.metadata.chain() if {
	true
} else := rego.metadata.chain()

rule := rego.metadata.rule()

# METADATA
# title: Closer block

# METADATA
# title: Closest block
two := [c, r] if {
	rego.metadata.chain(c)
	r := rego.metadata.rule()
}
`,
};

describe('rego.metadata.chain and rego.metadata.rule (METADATA annotations, as OPA)', () => {
  it('lists the rule, document, package and subpackages annotations, closest first, paths without data', () => {
    expect(evaluate(LAYERED, 'org/apps/allow')).to.deep.equal([
      {
        path: ['org', 'apps', 'allow'],
        annotations: {
          scope: 'rule', title: 'Deploy on weekdays',
          authors: [{ name: 'Jane Doe', email: 'jane@example.com' }, { name: 'Ops' }],
          custom: { severity: 3, tags: ['a', 'b'], ratio: 0.5, on_call: null },
        },
      },
      {
        path: ['org', 'apps', 'allow'],
        annotations: {
          scope: 'document', title: 'Who may deploy',
          related_resources: [{ ref: 'https://example.com/deploy' }, { ref: 'https://example.com/runbook', description: 'Runbook' }],
        },
      },
      { path: ['org', 'apps'], annotations: { scope: 'package', description: 'The apps package', organizations: ['Acme'] } },
      { path: ['org'], annotations: { scope: 'subpackages', title: 'Everything under org' } },
    ]);
  });

  it('gives a rule without annotations an entry with its path only, and rego.metadata.rule() an empty object', () => {
    const chain = evaluate(LAYERED, 'org/apps/rule');
    expect(chain).to.deep.equal({});
    const files: Files = { 'c.rego': 'package plain\n\np := rego.metadata.chain()\n' };
    expect(evaluate(files, 'plain/p')).to.deep.equal([{ path: ['plain', 'p'] }]);
  });

  it('orders several blocks on one rule from the closest outwards; rule() is the closest; an output argument binds the value', () => {
    const [chain, rule] = evaluate(LAYERED, 'org/apps/two') as [Array<{ annotations?: { title?: string } }>, unknown];
    expect(chain.slice(0, 2).map((e) => e.annotations?.title)).to.deep.equal(['Closest block', 'Closer block']);
    expect(rule).to.deep.equal({ scope: 'rule', title: 'Closest block' });
  });

  it('gives an else branch no rule annotations of its own (its chain starts with the path), as OPA', () => {
    const files: Files = {
      'e.rego': `package e

# METADATA
# title: first
p := rego.metadata.chain() if {
	false
} else := rego.metadata.chain()
`,
    };
    expect(evaluate(files, 'e/p')).to.deep.equal([{ path: ['e', 'p'] }]);
  });

  it('answers the same in the compiled module as in the evaluator', async function () {
    this.timeout(120_000);
    const { policy } = await compileAndLoad(LAYERED, { entrypoints: ['org/apps/allow', 'org/apps/two'] });
    const result = policy.evaluate({}, 'org/apps/allow') as Array<{ result: unknown }>;
    expect(result[0]!.result).to.deep.equal(evaluate(LAYERED, 'org/apps/allow'));
  });

  it('refuses at file:line:col what it cannot read exactly as OPA does (schemas, YAML 1.1 words)', () => {
    const schemas: Files = { 's.rego': 'package s\n\n# METADATA\n# schemas:\n# - input: schema.x\np := rego.metadata.rule()\n' };
    expect(compileErrors(schemas, 's/p')).to.deep.equal(['s.rego:3:1: rego_unsupported_error: unsupported METADATA annotation: schemas (they also drive the type checker, which regoc does not run)']);
    const yes: Files = { 'y.rego': 'package y\n\n# METADATA\n# custom:\n#   enabled: yes\np := rego.metadata.rule()\n' };
    expect(compileErrors(yes, 'y/p')[0]).to.match(/^y\.rego:3:1: rego_unsupported_error: .*plain scalar "yes"/);
  });

  it('rejects blocks OPA rejects: an unknown scope, a package scope on a rule, a package annotated twice', () => {
    const scope: Files = { 'x.rego': 'package x\n\n# METADATA\n# scope: everything\np := rego.metadata.rule()\n' };
    expect(compileErrors(scope, 'x/p')[0]).to.match(/^x\.rego:3:1: rego_parse_error: invalid annotation scope 'everything'/);
    const misplaced: Files = { 'x.rego': 'package x\n\n# METADATA\n# scope: package\np := rego.metadata.rule()\n' };
    expect(compileErrors(misplaced, 'x/p')[0]).to.equal("x.rego:3:1: rego_parse_error: annotation scope 'package' must be applied to package");
    const twice: Files = {
      'x1.rego': '# METADATA\n# title: one\npackage x\n',
      'x2.rego': '# METADATA\n# title: two\npackage x\n\np := rego.metadata.chain()\n',
    };
    expect(compileErrors(twice, 'x/p')).to.deep.equal(['x2.rego:1:1: rego_compile_error: package annotation redeclared: x1.rego:1']);
  });

  it('does not read METADATA blocks of programs that never ask for them', () => {
    const files: Files = { 'n.rego': 'package n\n\n# METADATA\n# schemas:\n# - input: schema.x\np := 1\n' };
    expect(evaluate(files, 'n/p')).to.equal(1);
  });
});
