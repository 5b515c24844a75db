import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import policyCommand from '../../../src/cli/commands/policy.js';
import { parseModule } from '../../../src/policy/compiler/parser/index.js';
import { formatRego, unifiedDiff } from '../../../src/policy/format/index.js';
import { readRegoFiles } from '../../../src/policy/check/rego-files.js';
import { POLICIES_DIR } from '../../../src/paths.js';
import { Obj, fromJs, preparePolicy, toJs } from '../../../src/policy/topdown/index.js';
import { captureOutput } from '../../support/capture-output.js';
import { commentsOf, moduleShape, opaCaseModules } from './support.js';

function expectStable(source: string): string {
  const once = formatRego(source, 'x.rego');
  expect(formatRego(once, 'x.rego'), `not idempotent:\n${once}`).to.equal(once);
  expect(moduleShape(once), `meaning changed:\n${once}`).to.equal(moduleShape(source));
  expect(commentsOf(once), `comments lost:\n${once}`).to.deep.equal(commentsOf(source));
  return once;
}

const capture = captureOutput;

const MESSY = `# header

package  a.b
import data.z
import rego.v1
import data.a as   alias # why
default allow:=false
allow if { input.x==1 }
f(x)=y if { y:=x+1*2 }
p contains x if {
  some x in [1,2,  3]
  # keep me
  x>1
}
`;

// As OPA's format.go prints it: writeRules never keeps a default rule next to the following one,
// and writeBody puts a blank line before an expression that does not start on the row after the
// previous one, so a comment between two expressions gets one above it; writeCall puts an
// operator that is an operand of another in parentheses.
const CANONICAL = `# header

package a.b

import data.a as alias # why
import data.z
import rego.v1

default allow := false

allow if input.x == 1
f(x) := y if y := x + (1 * 2)

p contains x if {
\tsome x in [1, 2, 3]

\t# keep me
\tx > 1
}
`;

/** Snippets chosen for what a printer gets wrong: precedence, brackets, comments, strings, chains. */
const TRICKY = [
  'package t\n\nx := (1 + 2) * 3\n\ny := 1 - (2 - 3)\n\nz := 2 * (3 / 4)\n',
  'package t\n\ns := {(input.a | input.b)}\n\no := {"k": (input.a | input.b)}\n\na := [(input.a | input.b)]\n\nk := {(input.a | input.b): 1}\n',
  'package t\n\np if {\n\t"foo", (2 in {"bar": 2}) in {"foo": true}\n}\n\nq if (1 in [1]) == true\n',
  'package t\n\nraw := `a\\b\n  second line`\n\nesc := "tab\\t\\u00e9 \\"q\\""\n\nbig := 123456789012345678901234567890\n\nneg := -1.5e3\n',
  'package t\n\nt := $"hello {input.name} and {concat(",", ["a", "b"])}"\n',
  'package t\n\nf(x) := 1 if {\n\tx > 1 # first\n} else := 2 if {\n\t# second\n\tx < 0\n} else := 3\n\ng(x) if x == 1\n',
  'package t\n\nobj := {\n\t"a": 1, # one\n\t# before b\n\t"b": [\n\t\t1,\n\t\t2, # two\n\t],\n\t# before close\n} # after close\n',
  'package t\n\nc if {\n\txs := [x |\n\t\tsome x in input.xs\n\t\t# inner\n\t\tx > 1\n\t]\n\tys := {k: v | some k, v in input.o}\n\tevery x in xs {\n\t\tx > 0 # pos\n\t}\n\tcount(ys) > 0 with input as {"o": {}}\n}\n',
  'package t\n\nr[x] := y if {\n\tsome x\n\ty := input[x]\n}\n\na.b.c := 1\n\nd["e f"] := 2\n\ns contains "x"\n\ns contains "y"\n',
  'package t\n\n# a\n# b\n\n# c\nq := 1 # d\n\n# e\n',
  'package t\n\np if {\n\tnot input.deny\n\tx := sprintf(\n\t\t"%v",\n\t\t[input.a],\n\t)\n\tx != ""\n}\n',
  'package t\n\nempty := set()\n\nobj := {}\n\narr := []\n\nnested := [[1], {2}, {"3": 3}]\n\nref := input.a[0].b["c-d"][input.i]\n',
  'package t\n\ndefault f(_) := false\n\nf(x) if x.ok\n\nm := data.t.f({"ok": true})\n',
];

describe('policy fmt: the canonical layout', function () {
  this.timeout(120_000);

  it('lays out a messy module as expected (spacing, :=, sorted imports, one-line bodies, blank lines, comments)', () => {
    expect(expectStable(MESSY)).to.equal(CANONICAL);
  });

  it('is idempotent, keeps every comment and never changes the parsed module, on tricky snippets', () => {
    for (const snippet of TRICKY) expectStable(snippet);
  });

  it('is idempotent and meaning-preserving on every .rego file in policies/', async () => {
    const files = await readRegoFiles([POLICIES_DIR]);
    expect(files.length).to.be.greaterThan(5);
    for (const f of files) expectStable(f.text);
  });

  it('gives the gateway policy the same answers before and after formatting (all its Rego tests, decisions)', async () => {
    const files = await readRegoFiles([POLICIES_DIR]);
    const tests = files.flatMap((f) => parseModule(f.text, f.path).rules
      .map((r) => (r.head.ref.terms[0]?.type === 'var' ? r.head.ref.terms[0].name : ''))
      .filter((n) => n.startsWith('test_'))
      .map((n) => `gateway/${n}`));
    const entrypoints = [...new Set(tests), 'gateway/decision', 'gateway/visible_tools'];
    const run = (sources: Array<{ path: string; text: string }>) => {
      const prepared = preparePolicy(sources, { entrypoints });
      const input = fromJs({ agent: { id: 'a', status: 'active' }, token: { expires_at: null }, action: { tool: 'whoami', kind: 'read' }, grants: [], resource: {}, request: { time: '2026-01-01T00:00:00.000Z' }, usage: {} });
      return entrypoints.map((e) => JSON.stringify(toJs(prepared.interpreter.evaluate(e, input, new Obj()))));
    };
    const before = run(files.map((f) => ({ path: f.path, text: f.text })));
    const after = run(files.map((f) => ({ path: f.path, text: formatRego(f.text, f.path) })));
    expect(after).to.deep.equal(before);
    expect(before.filter((r) => r.includes('true')).length).to.be.greaterThan(tests.length / 2);
  });

  it('is idempotent and meaning-preserving on the modules of OPA\'s evaluation cases', async function () {
    let formatted = 0;
    for (const m of await opaCaseModules()) {
      try {
        parseModule(m, 'x.rego');
      } catch {
        continue;
      }
      expectStable(m);
      formatted++;
    }
    expect(formatted).to.be.greaterThan(1000);
  });

  it('writes every rule head value with :=, as format.go\'s writeHead does for Rego v1 (complete, default, function, else, chained)', () => {
    const source = 'package t\n\ndefault p = 0\n\np = 1 if input.a\n\nf(x) = y if y := x + 1\n\ng(x) = 1 if x > 1 else = 2\n';
    const expected = 'package t\n\ndefault p := 0\n\np := 1 if input.a\n\nf(x) := y if y := x + 1\n\ng(x) := 1 if x > 1\n\nelse := 2\n';
    expect(expectStable(source)).to.equal(expected);
    // A chained body is written as rules of its own (see chained-bodies.test.ts), each with :=.
    expect(formatRego('package t\n\nr = 3 if { input.b } { input.c }\n', 'x.rego')).to.equal('package t\n\nr := 3 if input.b\n\nr := 3 if input.c\n');
  });

  it('writes an operator that is an operand of another in parentheses, as format.go\'s writeCall does', () => {
    const source = 'package t\n\nw := 1 + 2 * 3\n\nv := 1 - 2 - 3\n\nz := (1 + 2) * 3\n\np if {\n\tx := input.a + input.b - count(input.c)\n\tx > 1 + 1\n}\n';
    expect(expectStable(source)).to.equal('package t\n\nw := 1 + (2 * 3)\n\nv := (1 - 2) - 3\n\nz := (1 + 2) * 3\n\np if {\n\tx := (input.a + input.b) - count(input.c)\n\tx > 1 + 1\n}\n');
  });

  it('keeps comments (text and order), idempotence and the module on OPA\'s case modules with comments added after every line and below every opening bracket', async function () {
    // Lines inside raw strings get comments too: they are string text then, the same before and after.
    const commented = (m: string) => m.split('\n').map((l, i) => {
      const t = l.trimEnd();
      if (t === '' || t.trimStart().startsWith('#') || l.includes('`') || (l.includes('"') && l.includes('#'))) return l;
      const below = /[{[(,]$/.test(t) ? `\n# below ${i}` : '';
      return `${t} # after ${i}${below}`;
    }).join('\n');
    const withComments = (text: string) => moduleShape(text) + JSON.stringify(commentsOf(text));
    let formatted = 0;
    for (const m of await opaCaseModules()) {
      const source = commented(m);
      try {
        parseModule(source, 'x.rego');
      } catch {
        continue;
      }
      const once = formatRego(source, 'x.rego');
      expect(formatRego(once, 'x.rego'), `not idempotent:\n${once}`).to.equal(once);
      expect(withComments(once), `changed:\n${source}\n---\n${once}`).to.equal(withComments(source));
      formatted++;
    }
    expect(formatted).to.be.greaterThan(1000);
  });

  it('refuses a module that does not parse, naming file:line:col', () => {
    expect(() => formatRego('package p\n\nallow if {\n', 'bad.rego')).to.throw(/bad\.rego:\d+:\d+: rego_parse_error/);
  });
});

describe('policy fmt: --list, --diff, --write, --fail', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'policy-fmt-'));
    await writeFile(join(dir, 'messy.rego'), MESSY);
    await writeFile(join(dir, 'clean.rego'), CANONICAL);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints formatted files by default and lists the unformatted ones with --list', async () => {
    const printed = await capture(() => policyCommand.run(['fmt', join(dir, 'messy.rego')]));
    expect(printed).to.deep.include({ code: 0, out: CANONICAL });
    const listed = await capture(() => policyCommand.run(['fmt', '--list', dir]));
    expect(listed.code).to.equal(0);
    expect(listed.out.trim().split('\n')).to.have.length(1);
    expect(listed.out).to.match(/messy\.rego\n$/);
  });

  it('--diff prints a unified diff that turns the file into its formatted form', async () => {
    const shown = await capture(() => policyCommand.run(['fmt', '--diff', dir]));
    expect(shown.code).to.equal(0);
    expect(shown.out).to.match(/^--- .*messy\.rego\n\+\+\+ .*messy\.rego\n@@ -1,\d+ \+1,\d+ @@\n/m);
    expect(shown.out).not.to.contain('clean.rego');
    expect(shown.out).to.match(/^-default allow:=false$/m);
    expect(shown.out).to.match(/^\+default allow := false$/m);
    expect(unifiedDiff('x', 'a\n', 'a\n')).to.equal('');
  });

  it('--fail exits 1 on unformatted files and 0 once --write has formatted them', async () => {
    expect((await capture(() => policyCommand.run(['fmt', '--fail', dir]))).code).to.equal(1);
    expect((await capture(() => policyCommand.run(['fmt', '--write', dir]))).code).to.equal(0);
    expect(await readFile(join(dir, 'messy.rego'), 'utf8')).to.equal(CANONICAL);
    expect((await capture(() => policyCommand.run(['fmt', '--fail', dir]))).code).to.equal(0);
  });

  it('exits 1 for a file that does not parse and 2 for conflicting flags', async () => {
    await writeFile(join(dir, 'broken.rego'), 'package p\n\nallow if {\n');
    const broken = await capture(() => policyCommand.run(['fmt', '--list', dir]));
    expect(broken.code).to.equal(1);
    expect(broken.err).to.match(/broken\.rego:\d+:\d+: rego_parse_error/);
    expect((await capture(() => policyCommand.run(['fmt', '--list', '--write', dir]))).code).to.equal(2);
  });
});
