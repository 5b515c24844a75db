import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PACKAGE_ROOT } from '../../../../src/paths.js';
import type { Module } from '../../../../src/policy/compiler/ast/index.js';
import { checkProgram } from '../../../../src/policy/compiler/check/index.js';
import { CompileError, parseModule, parseQuery, parseTerm } from '../../../../src/policy/compiler/parser/index.js';

const CASES_DIR = join(PACKAGE_ROOT, '..', 'shared', 'conformance', 'opa-v1');

/** Constructs rejected on purpose: a located compile error, never a wrong answer. */
const CHECK_UNSUPPORTED = new RegExp([
  'unsupported: multi-value and single-value rules with variables in their refs under one path',
].join('|'));

interface Case { id: string; query?: string; modules: string[]; input_term?: string }

function loadCases(): Case[] {
  const cases: Case[] = [];
  for (const folder of readdirSync(CASES_DIR, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    for (const file of readdirSync(join(CASES_DIR, folder.name))) {
      const doc = parse(readFileSync(join(CASES_DIR, folder.name, file), 'utf8'), { intAsBigInt: true }) as {
        cases?: Array<{ note: string; query?: string; modules?: string[]; input_term?: string }>;
      };
      for (const c of doc.cases ?? []) cases.push({ ...c, id: `${folder.name}/${file} ${c.note}`, modules: c.modules ?? [] });
    }
  }
  return cases;
}

describe('compiler front end on OPA v1 conformance sources', function () {
  this.timeout(120000);
  let cases: Case[] = [];

  before(function () {
    if (!existsSync(CASES_DIR)) this.skip();
    cases = loadCases();
  });

  it('parses every module, query and input term', () => {
    let parsed = 0;
    const failures: string[] = [];
    for (const c of cases) {
      const sources: Array<() => unknown> = c.modules.map((m, i) => () => parseModule(m, `${c.id}#${i}`));
      if (c.query) sources.push(() => parseQuery(c.query!));
      if (c.input_term) sources.push(() => parseTerm(c.input_term!));
      for (const run of sources) {
        try {
          run();
          parsed++;
        } catch (err) {
          failures.push(`${c.id}: ${String(err)}`);
        }
      }
    }
    expect(failures).to.deep.equal([]);
    expect(parsed).to.be.greaterThan(4000);
  });

  it('checks and normalises every case except deliberately unsupported constructs', () => {
    let compiled = 0;
    const failures: string[] = [];
    for (const c of cases) {
      try {
        const modules: Module[] = c.modules.map((m, i) => parseModule(m, `${c.id}#${i}`));
        checkProgram(modules, { queries: c.query ? [{ text: c.query }] : [] });
        compiled++;
      } catch (err) {
        if (!(err instanceof CompileError) || !CHECK_UNSUPPORTED.test(err.message)) failures.push(`${c.id}: ${String(err)}`);
      }
    }
    expect(failures).to.deep.equal([]);
    expect(compiled).to.be.greaterThan(1820);
  });
});
