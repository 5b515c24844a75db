import { expect } from 'chai';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import policyCommand from '../../../src/cli/commands/policy.js';
import { checkPolicies, jsonReport, prettyReport } from '../../../src/policy/check/index.js';
import { POLICIES_DIR } from '../../../src/paths.js';
import { readRegoFiles } from '../../../src/policy/check/rego-files.js';
import { captureOutput } from '../../support/capture-output.js';

type Found = Array<[number, number, string, string]>;

function check(text: string, strict = false): Found {
  return checkPolicies([{ path: 'p.rego', text }], { strict }).map((d) => [d.loc.line, d.loc.col, d.code, d.message]);
}

const capture = captureOutput;

describe('policy check: the errors opa check reports, with file:line:col', () => {
  it('reports a parse error at its position (and nothing else of that file set)', () => {
    expect(check('package p\n\nallow if {\n\tinput.x ==\n}\n\nq := r\n')).to.deep.equal([[5, 1, 'rego_parse_error', 'unexpected } token']]);
  });

  it('reports unsafe variables, unknown functions, arity mismatches, recursion and conflicting rules', () => {
    expect(check('package p\n\nallow if {\n\tx > 1\n}\n')).to.deep.equal([[4, 2, 'rego_unsafe_var_error', 'var x is unsafe']]);
    expect(check('package p\n\nallow if nope(1)\n')).to.deep.equal([[3, 10, 'rego_type_error', 'undefined function nope']]);
    expect(check('package p\n\nallow if count(1, 2, 3)\n')[0]!.slice(0, 3)).to.deep.equal([3, 10, 'rego_type_error']);
    expect(check('package p\n\na if b\n\nb if a\n')).to.deep.equal([[3, 1, 'rego_recursion_error', 'rule data.p.a is recursive: data.p.a -> data.p.b -> data.p.a']]);
    expect(check('package p\n\na := 1\n\na contains 2\n')[0]!.slice(0, 3)).to.deep.equal([5, 1, 'rego_type_error']);
  });

  it('reports a built-in argument whose kind an earlier assignment or a built-in result decides', () => {
    const wrong = 'package p\n\na if {\n\ts := "x"\n\ty := s + 1\n\ty > 0\n}\n\nb if {\n\tcount([1]) + "b" > 0\n}\n\nc if {\n\tm := {"k": 1}\n\tys := [v | v := m]\n\tupper(ys[0]) == "K"\n\tn := [w | w := m; lower(w) == ""]\n\tcount(n) > 0\n}\n';
    expect(check(wrong)).to.deep.equal([
      [5, 7, 'rego_type_error', 'plus: invalid argument(s)'],
      [10, 2, 'rego_type_error', 'plus: invalid argument(s)'],
      [16, 2, 'rego_type_error', 'upper: invalid argument(s)'],
      [17, 20, 'rego_type_error', 'lower: invalid argument(s)'],
    ]);
    const details = checkPolicies([{ path: 'p.rego', text: wrong }], {})[0]!.details;
    expect(details).to.deep.equal({ have: ['string', 'number'], want: ['number', 'number'] });
  });

  it('does not guess a kind a later binding, an input, a rule or a function could change', () => {
    const fine = 'package p\n\nf(x) := x\n\nr := 2\n\na if {\n\tx := input.n + 1\n\ty := f(1) + r\n\tsome z in ["a"]\n\tupper(z) == "A"\n\tevery k in [1] { k + 1 > 0 }\n\tx + count(input.xs) > y\n}\n';
    expect(check(fine)).to.deep.equal([]);
  });

  it('reports every file of a set, sorted by file and position', () => {
    const found = checkPolicies([
      { path: 'b.rego', text: 'package b\n\nx if y\n' },
      { path: 'a.rego', text: 'package a\n\nallow if {\n\tz > 1\n}\n' },
    ]);
    expect(found.map((d) => `${d.loc.file}:${d.loc.line}:${d.loc.col}`)).to.deep.equal(['a.rego:4:2', 'b.rego:3:6']);
  });

  it('passes clean policies, including the gateway policy in strict mode', async () => {
    expect(check('package p\n\nimport rego.v1\n\nallow if input.x == 1\n', true)).to.deep.equal([]);
    const files = await readRegoFiles([POLICIES_DIR]);
    expect(files.length).to.be.greaterThan(5);
    expect(checkPolicies(files, { strict: true }).map((d) => `${d.loc.file}:${d.loc.line}: ${d.message}`)).to.deep.equal([]);
  });
});

describe('policy check without --strict: what OPA 1.x refuses in every v1 module', () => {
  it('reports duplicate imports, input or data as names and deprecated built-ins, but not unused imports or locals', () => {
    const text = 'package p\n\nimport data.lib\nimport data.lib\nimport data.other\n\ninput := 1\n\na := any([lib])\n\nb if {\n\tx := 1\n\tdata := 2\n\tdata == 2\n}\n';
    expect(check(text)).to.deep.equal([
      [4, 1, 'rego_compile_error', 'import must not shadow import data.lib'],
      [7, 1, 'rego_compile_error', 'rules must not shadow input (use a different rule name)'],
      [9, 6, 'rego_type_error', 'deprecated built-in function calls in expression: any'],
      [13, 2, 'rego_compile_error', 'variables must not shadow data (use a different variable name)'],
    ]);
    const strict = check(text, true).map(([line, , , message]) => `${line}: ${message}`);
    expect(strict).to.include.members(['5: import data.other unused', '12: assigned var x unused']);
  });

  it('does not take input read inside a template-string argument for a variable named input', () => {
    expect(check('package p\n\np := f("foo bar")\n\nf($"{x} {input.y}") := 42 if {\n\tx = "foo"\n}\n')).to.deep.equal([]);
  });
});

describe('policy check: built-ins called with a literal argument of the wrong type', () => {
  it('reports OPA\'s "invalid argument(s)" type error with the have and want types as details, printed under it', () => {
    const found = checkPolicies([{ path: 'p.rego', text: 'package p\n\nq := count(1)\n' }]);
    expect(jsonReport(found)).to.deep.equal({
      errors: [{
        message: 'count: invalid argument(s)',
        code: 'rego_type_error',
        location: { file: 'p.rego', row: 3, col: 6 },
        details: { have: ['number'], want: ['any<array, object, set, string>'] },
      }],
    });
    expect(prettyReport(found)).to.equal(
      '1 error occurred:\np.rego:3:6: rego_type_error: count: invalid argument(s)\n\thave: (number)\n\twant: (any<array, object, set, string>)\n',
    );
    const calls = check('package p\n\nx := 1 + "a"\n\ny if {\n\tsome n in numbers.range(1, "3")\n\tn > 0\n}\n\nz := concat(1, [x | x := "a"])\n');
    expect(calls.map(([line, col, , message]) => `${line}:${col} ${message}`)).to.deep.equal([
      '3:6 plus: invalid argument(s)',
      '6:12 numbers.range: invalid argument(s)',
      '10:6 concat: invalid argument(s)',
    ]);
  });

  it('accepts literals of an accepted kind, arguments known only by inference, and package functions named like built-ins', () => {
    const text = 'package p\n\nok := count({1, 2}) + count("ab") + count([n | n := 1])\n\nv := count(input.x)\n\nupper(x) := x\n\nw := upper(1)\n\nc := concat(",", {"a"})\n';
    expect(check(text)).to.deep.equal([]);
  });
});

describe('policy check --strict: OPA strict-mode errors', () => {
  it('reports unused local assignments, declared vars and function arguments, also inside comprehensions', () => {
    const text = 'package p\n\nf(x, y) := z if {\n\tz := y\n\tw := 2\n\tsome q\n\tk := [v | v := 1; u := 3]\n\tk\n}\n';
    expect(check(text, true)).to.deep.equal([
      [3, 3, 'rego_compile_error', 'unused argument x. (hint: use _ (wildcard variable) instead)'],
      [5, 2, 'rego_compile_error', 'assigned var w unused'],
      [6, 7, 'rego_compile_error', 'declared var q unused'],
      [7, 20, 'rego_compile_error', 'assigned var u unused'],
    ]);
    expect(check(text), 'not without --strict').to.deep.equal([]);
  });

  it('does not report a var used in the head, in an else branch, in a with value or a nested comprehension', () => {
    const text = [
      'package p', '',
      'r := v if {', '\tv := input.x', '}', '',
      'f(x) := 1 if {', '\tx > 1', '} else := 2 if {', '\tx < 0', '}', '',
      'g if {', '\tm := {"a": 1}', '\ty := [k | some k, _ in m]', '\tcount(y) > 0 with input as m', '}', '',
      's contains y if {', '\tsome y in input.xs', '}', '',
    ].join('\n');
    expect(check(text, true)).to.deep.equal([]);
  });

  it('reports unused and duplicate imports (rego.v1 and future keywords are not imports of documents)', () => {
    const text = 'package p\n\nimport data.lib\nimport data.lib\nimport data.other as o\nimport input.user\nimport rego.v1\n\nallow if user.admin\n';
    expect(check(text, true)).to.deep.equal([
      [3, 1, 'rego_compile_error', 'import data.lib unused'],
      [4, 1, 'rego_compile_error', 'import must not shadow import data.lib'],
      [5, 1, 'rego_compile_error', 'import data.other as o unused'],
    ]);
    expect(check('package p\n\nimport data.lib as l\n\nallow if l.enabled\n', true)).to.deep.equal([]);
  });

  it('reports deprecated built-ins by the expression that calls them, unless a rule of the package has the name', () => {
    expect(check('package p\n\na := any([true])\n\nb if {\n\tre_match("a", input.s)\n\tx := cast_string(1)\n\tx\n}\n', true)).to.deep.equal([
      [3, 6, 'rego_type_error', 'deprecated built-in function calls in expression: any'],
      [6, 2, 'rego_type_error', 'deprecated built-in function calls in expression: re_match'],
      [7, 2, 'rego_type_error', 'deprecated built-in function calls in expression: cast_string'],
    ]);
    expect(check('package p\n\nany(xs) := true if xs[_]\n\na := any([true])\n', true)).to.deep.equal([]);
  });

  it('reports rules and variables named input or data', () => {
    expect(check('package p\n\ninput := 1\n\nf(data) := data\n\ng if {\n\tsome input in [1]\n\tinput == 1\n}\n', true)).to.deep.equal([
      [3, 1, 'rego_compile_error', 'rules must not shadow input (use a different rule name)'],
      [5, 3, 'rego_compile_error', 'variables must not shadow data (use a different variable name)'],
      [8, 7, 'rego_compile_error', 'variables must not shadow input (use a different variable name)'],
    ]);
  });
});

describe('policy check: output formats and exit status', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'policy-check-'));
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'ok.rego'), 'package ok\n\nallow if input.x == 1\n');
    await writeFile(join(dir, 'sub', 'bad.rego'), 'package bad\n\nimport data.unused\n\nallow if {\n\tx > 1\n}\n');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes OPA\'s JSON shape: errors with message, code and location {file, row, col}', () => {
    const diagnostics = checkPolicies([{ path: 'x.rego', text: 'package x\n\ny if z\n' }]);
    expect(jsonReport(diagnostics)).to.deep.equal({
      errors: [{ message: 'var z is unsafe', code: 'rego_unsafe_var_error', location: { file: 'x.rego', row: 3, col: 6 } }],
    });
    expect(prettyReport(diagnostics)).to.equal('1 error occurred:\nx.rego:3:6: rego_unsafe_var_error: var z is unsafe\n');
  });

  it('exits 1 with the errors of a directory (recursively), 0 for clean files; --strict adds strict errors', async () => {
    const pretty = await capture(() => policyCommand.run(['check', dir]));
    expect(pretty.code).to.equal(1);
    expect(pretty.err).to.match(/^1 error occurred:\n.*sub\/bad\.rego:6:2: rego_unsafe_var_error: var x is unsafe\n$/);
    const strict = await capture(() => policyCommand.run(['check', '--strict', '--format', 'json', dir]));
    expect(strict.code).to.equal(1);
    const report = JSON.parse(strict.out) as { errors: Array<{ code: string; message: string; location: { row: number } }> };
    expect(report.errors.map((e) => [e.location.row, e.message])).to.deep.equal([[3, 'import data.unused unused'], [6, 'var x is unsafe']]);
    const clean = await capture(() => policyCommand.run(['check', '--strict', join(dir, 'ok.rego')]));
    expect(clean).to.deep.include({ code: 0, err: '' });
  });

  it('refuses an unknown format or a path that does not exist', async () => {
    expect((await capture(() => policyCommand.run(['check', '--format', 'xml']))).code).to.equal(2);
    const missing = await capture(() => policyCommand.run(['check', join(dir, 'nope')]));
    expect(missing.code).to.equal(1);
    expect(missing.err).to.match(/no such file or directory/);
  });
});
