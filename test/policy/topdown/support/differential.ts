/**
 * The differential test: random policies compiled by regoc to wasm and loaded through the SDK as
 * the engine loads them, evaluated on random inputs by the module and by the TypeScript evaluator
 * (src/policy/topdown); every entrypoint must give the same result, or both must fail.
 * Many generated policies share one module (one package each), since an asc compile costs ~1 s.
 */
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compilePolicy, CompileError, type SourceFile } from '../../../../src/policy/compiler/index.js';
import { hostBuiltins } from '../../../../src/policy/builtins/index.js';
import { fromJs, Obj, preparePolicy, toJs } from '../../../../src/policy/topdown/index.js';
import { inputArb, policyArb, policyText } from './rego-gen.js';

export interface Disagreement {
  policy: string;
  entrypoint: string;
  input: unknown;
  module: unknown;
  evaluator: unknown;
}

export interface BatchStats {
  programs: number;
  refused: number;
  entrypoints: number;
  cases: number;
  disagreements: Disagreement[];
}

type Outcome = { result: unknown } | { error: string };

function outcome(run: () => unknown): Outcome {
  try {
    return { result: run() };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

function agree(a: Outcome, b: Outcome): boolean {
  if ('error' in a || 'error' in b) return 'error' in a && 'error' in b;
  return isDeepStrictEqual(a.result, b.result);
}

function entrypointsOf(pkg: string, text: string): string[] {
  return [...text.matchAll(/^(r\d+)\b/gm)].map((m) => `${pkg}/${m[1]}`).filter((e, i, all) => all.indexOf(e) === i);
}

/** Compiles what it can: the whole batch, or (when one program is refused) each program alone. */
async function compileBatch(files: SourceFile[], entrypoints: Map<string, string[]>): Promise<{ files: SourceFile[]; wasm: Uint8Array; refused: number }> {
  const all = files.flatMap((f) => entrypoints.get(f.path)!);
  try {
    return { files, wasm: (await compilePolicy(files, { entrypoints: all })).wasm, refused: 0 };
  } catch (err) {
    if (!(err instanceof CompileError)) throw err;
  }
  const kept: SourceFile[] = [];
  for (const f of files) {
    try {
      preparePolicy([f], { entrypoints: entrypoints.get(f.path)! });
      kept.push(f);
    } catch (err) {
      if (!(err instanceof CompileError)) throw err;
    }
  }
  const eps = kept.flatMap((f) => entrypoints.get(f.path)!);
  return { files: kept, wasm: (await compilePolicy(kept, { entrypoints: eps })).wasm, refused: files.length - kept.length };
}

/** One batch: `programs` random policies in one module, each entrypoint on `inputs` random inputs. */
export async function runBatch(seed: number, programs: number, inputs: number): Promise<BatchStats> {
  const policies = fc.sample(policyArb(), { numRuns: programs, seed });
  const cases = fc.sample(inputArb, { numRuns: inputs, seed: seed + 1 });
  const entrypoints = new Map<string, string[]>();
  const files = policies.map((p, i) => {
    const pkg = `g${i}`;
    const file = { path: `gen/${pkg}.rego`, text: policyText(pkg, p) };
    entrypoints.set(file.path, entrypointsOf(pkg, file.text));
    return file;
  });
  const compiled = await compileBatch(files, entrypoints);
  const eps = compiled.files.flatMap((f) => entrypoints.get(f.path)!);
  const module = await loadPolicy(compiled.wasm, undefined, hostBuiltins as never);
  module.setData({});
  const evaluator = preparePolicy(compiled.files, { entrypoints: eps }).interpreter;
  const disagreements: Disagreement[] = [];
  for (const ep of eps) {
    for (const input of cases) {
      const a = outcome(() => module.evaluate(input, ep));
      const b = outcome(() => toJs(evaluator.evaluate(ep, fromJs(input), new Obj())));
      if (agree(a, b)) continue;
      const file = compiled.files.find((f) => f.path === `gen/${ep.split('/')[0]}.rego`)!;
      disagreements.push({ policy: file.text, entrypoint: ep, input, module: a, evaluator: b });
    }
  }
  return { programs, refused: compiled.refused, entrypoints: eps.length, cases: eps.length * cases.length, disagreements };
}
