import { bodyToString, refToString, termToString } from '../../../../src/policy/compiler/ast/index.js';
import type { NormalisedProgram, Rule } from '../../../../src/policy/compiler/ast/index.js';
import { CompileError, checkProgram, type CheckOptions } from '../../../../src/policy/compiler/check/index.js';
import { parseModule } from '../../../../src/policy/compiler/parser/index.js';

export function compile(sources: string | string[], options: CheckOptions = {}): NormalisedProgram {
  const list = Array.isArray(sources) ? sources : [sources];
  return checkProgram(list.map((s, i) => parseModule(s, `m${i}.rego`)), options);
}

/** The compile errors of a program, formatted `file:line:col: code: message`. */
export function errors(sources: string | string[], options: CheckOptions = {}): string[] {
  try {
    compile(sources, options);
  } catch (err) {
    if (err instanceof CompileError) return err.message.split('\n');
    throw err;
  }
  throw new Error('expected compile errors');
}

export function ruleText(r: Rule): string {
  const h = r.head;
  const args = h.args ? `(${h.args.map(termToString).join(', ')})` : '';
  const key = h.key ? ` contains ${termToString(h.key)}` : '';
  const value = h.value && h.kind !== 'set' ? ` := ${termToString(h.value)}` : '';
  return `${refToString(h.ref)}${args}${key}${value} if { ${bodyToString(r.body)} }`;
}

/** Rules of one group, rendered. */
export function groupText(p: NormalisedProgram, key: string): string[] {
  const g = p.groups.get(key);
  if (!g) throw new Error(`no group ${key}`);
  return [...(g.default ? [g.default] : []), ...g.rules].map(ruleText);
}
