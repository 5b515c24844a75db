import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import policyCommand from '../../../../src/cli/commands/policy.js';
import { buildPolicies } from '../../../../src/policy/build/index.js';
import { checkPolicies, readRegoFiles } from '../../../../src/policy/check/index.js';
import { CompileError, compilePolicy } from '../../../../src/policy/compiler/index.js';
import { POLICIES_DIR } from '../../../../src/paths.js';
import { captureOutput } from '../../../support/capture-output.js';

/** Where the compiler stops, as file:line:col: code: message (or 'compiled'). */
async function compileOutcome(text: string): Promise<string[]> {
  try {
    await compilePolicy([{ path: 'p.rego', text }], { entrypoints: ['p/a'], optimize: false });
    return ['compiled'];
  } catch (err) {
    if (!(err instanceof CompileError)) throw err;
    return err.diagnostics.map((d) => `${d.loc.file}:${d.loc.line}:${d.loc.col}: ${d.code}: ${d.message}`);
  }
}

function checkOutcome(text: string): string[] {
  const found = checkPolicies([{ path: 'p.rego', text }]);
  return found.length === 0 ? ['compiled'] : found.map((d) => `${d.loc.file}:${d.loc.line}:${d.loc.col}: ${d.code}: ${d.message}`);
}

/**
 * `opa build` refuses what `opa check` refuses in a v1 module; the compiler runs the same checks as
 * `policy check` (without --strict), so `policy build` never builds what `policy check` rejects.
 */
describe('policy build refuses what policy check refuses (OPA 1.x v1-module checks)', function () {
  this.timeout(120_000);

  const refused: Array<[string, string, string]> = [
    ['a duplicate import', 'package p\n\nimport data.lib\nimport data.lib\n\na := lib\n', 'p.rego:4:1: rego_compile_error: import must not shadow import data.lib'],
    ['a rule named input', 'package p\n\ninput := 1\n\na := 2\n', 'p.rego:3:1: rego_compile_error: rules must not shadow input (use a different rule name)'],
    ['a variable named data', 'package p\n\na if {\n\tdata := 2\n\tdata == 2\n}\n', 'p.rego:4:2: rego_compile_error: variables must not shadow data (use a different variable name)'],
    ['a deprecated built-in', 'package p\n\na := any([true])\n', 'p.rego:3:6: rego_type_error: deprecated built-in function calls in expression: any'],
    ['a literal argument of the wrong type', 'package p\n\na := count(1)\n', 'p.rego:3:6: rego_type_error: count: invalid argument(s)'],
  ];

  for (const [what, text, error] of refused) {
    it(`refuses ${what} at file:line:col, with the error policy check reports`, async () => {
      const outcome = await compileOutcome(text);
      expect(outcome).to.deep.equal([error]);
      expect(checkOutcome(text)).to.deep.equal(outcome);
    });
  }

  it('still compiles a module those checks accept (a rule that calls itself any, an alias import)', async () => {
    const text = 'package p\n\nimport data.lib as l\nimport data.other\n\nany(xs) := count(xs) > 0\n\na := any([1]) if l == other\n';
    expect(await compileOutcome(text)).to.deep.equal(['compiled']);
    expect(checkOutcome(text)).to.deep.equal(['compiled']);
  });

  it("compiles the gateway's own policies, which policy check accepts", async () => {
    const files = await readRegoFiles([POLICIES_DIR]);
    expect(checkPolicies(files)).to.deep.equal([]);
    const sources = files.filter((f) => !f.path.endsWith('_test.rego'));
    const compiled = await compilePolicy(sources, { entrypoints: ['gateway/decision'], optimize: false });
    expect(compiled.wasm.length).to.be.greaterThan(0);
  });

  describe('the policy build command path', () => {
    let root: string;
    beforeEach(async () => {
      root = await mkdtemp(join(tmpdir(), 'build-refuses-'));
      await mkdir(join(root, 'policies', 'gateway'), { recursive: true });
    });
    afterEach(async () => {
      await rm(root, { recursive: true, force: true });
    });

    it('buildPolicies (regoc) stops on a duplicate import with its location and writes no build', async () => {
      const text = 'package gateway\n\nimport data.lib\nimport data.lib\n\ndecision := {"allow": lib}\n';
      await writeFile(join(root, 'policies', 'gateway', 'decision.rego'), text);
      const err = await buildPolicies({ engine: 'regoc', optimize: false, policiesDir: join(root, 'policies'), outDir: join(root, 'out'), entrypoints: ['gateway/decision'] }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(CompileError);
      expect((err as Error).message).to.match(/decision\.rego:4:1: rego_compile_error: import must not shadow import data\.lib/);
      expect(existsSync(join(root, 'out', 'policy.wasm'))).to.equal(false);
    });

    it('agent-gateway policy build --engine regoc exits 1 with the located error of a deprecated built-in, as policy check does', async () => {
      const text = 'package gateway\n\ndecision := {"allow": any([input.ok])}\n';
      await writeFile(join(root, 'policies', 'gateway', 'decision.rego'), text);
      const policies = join(root, 'policies');
      const built = await captureOutput(() => policyCommand.run(['build', '--engine', 'regoc', '--policies', policies, '--out', join(root, 'out')]));
      expect(built.code).to.equal(1);
      expect(built.err).to.match(/decision\.rego:3:13: rego_type_error: deprecated built-in function calls in expression: any\n$/);
      const checked = await captureOutput(() => policyCommand.run(['check', policies]));
      expect(checked.code).to.equal(1);
      expect(checked.err).to.match(/decision\.rego:3:13: rego_type_error: deprecated built-in function calls in expression: any\n$/);
    });
  });
});
