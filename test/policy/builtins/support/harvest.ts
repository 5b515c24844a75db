/**
 * Harvests built-in expectations from OPA's conformance cases (read in place from
 * ../shared/conformance/opa-v1, never copied): cases whose single module is one rule `p` applying one
 * host built-in to constant arguments, in one of the shapes
 *   p if { f(args) == value }        p := f(args)        p = x if { x := f(args) }        p if { f(args) }
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { JsonValue } from '../../../../src/policy/builtins/value.js';
import { NotConstant, parseRegoArgs, parseRegoTerm, type Constants } from './rego-term.js';

export const CONFORMANCE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/conformance/opa-v1');

export interface HarvestedCase {
  readonly id: string;
  readonly builtin: string;
  readonly args: JsonValue[];
  /** A value; `truthy` when only "defined and not false" is known; undefined when the call must fail. */
  readonly expected:
    | { readonly defined: true; readonly value: JsonValue }
    | { readonly defined: true; readonly truthy: true }
    | { readonly defined: false };
}

interface RawCase {
  note?: string;
  query?: string;
  modules?: string[];
  want_result?: Record<string, unknown>[];
  want_error?: string;
  want_error_code?: string;
  strict_error?: boolean;
  input?: unknown;
  input_term?: unknown;
  data?: unknown;
}

/** Index of the parenthesis closing the one at `open`, skipping string literals. */
function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '`') {
      i = text.indexOf('`', i + 1);
      if (i < 0) return -1;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

interface Call {
  name: string;
  args: JsonValue[];
  /** Text after the call's closing parenthesis. */
  rest: string;
  /** Output variables when the call's last argument is a variable or an array of variables. */
  output?: string;
}

/** Splits at the last top-level comma (outside strings, brackets and parentheses). */
function splitLastArg(text: string): [string, string] | undefined {
  let depth = 0;
  let last = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '`') i = text.indexOf('`', i + 1);
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) last = i;
  }
  return last < 0 ? undefined : [text.slice(0, last), text.slice(last + 1).trim()];
}

const OUTPUT_PATTERN = /^(?:[a-z_][a-z0-9_]*|\[\s*[a-z_][a-z0-9_]*(?:\s*,\s*[a-z_][a-z0-9_]*)*\s*\])$/;

function parseCall(text: string, constants: Constants): Call | undefined {
  const match = /^\s*([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*)\(/.exec(text);
  if (!match) return undefined;
  const open = match[0].length - 1;
  const close = closingParen(text, open);
  if (close < 0) return undefined;
  const argText = text.slice(open + 1, close);
  const rest = text.slice(close + 1).trim();
  const split = splitLastArg(argText);
  if (split && OUTPUT_PATTERN.test(split[1]) && !['true', 'false', 'null'].includes(split[1])) {
    return { name: match[1]!, args: parseRegoArgs(split[0], constants), rest, output: split[1].replace(/\s+/g, '') };
  }
  return { name: match[1]!, args: parseRegoArgs(argText, constants), rest };
}

function ruleBody(module: string): { pkg: string; body: string } | undefined {
  const pkg = /^\s*package\s+([a-z_][a-z0-9_]*)\s*$/m.exec(module)?.[1];
  if (pkg === undefined) return undefined;
  const lines = module
    .split('\n')
    .filter((line) => !/^\s*(#.*)?$/.test(line))
    .filter((line) => !/^\s*(package \S+|import rego\.v1|import future\.keywords.*)\s*$/.test(line));
  return { pkg, body: lines.join('\n').trim() };
}

/**
 * Splits a module body into top-level rules (each starts at column 0) and evaluates the constant
 * ones (`name := term`); returns the text of rule `p` and the constants.
 */
function splitConstants(body: string): { rule?: string; constants: Constants } {
  const chunks: string[] = [];
  for (const line of body.split('\n')) {
    if (/^[a-z_]/.test(line) || chunks.length === 0) chunks.push(line);
    else chunks[chunks.length - 1] += `\n${line}`;
  }
  const constants = new Map<string, JsonValue>();
  let rule: string | undefined;
  for (const chunk of chunks) {
    const text = chunk.trim();
    const constant = /^([a-z_][a-z0-9_]*)\s*:?=\s*([\s\S]+)$/.exec(text);
    if (/^p\b/.test(text)) {
      if (rule !== undefined) throw new NotConstant('more than one rule p');
      rule = text;
    } else if (constant && !/\bif\b\s*\{/.test(text)) {
      constants.set(constant[1]!, parseRegoTerm(constant[2]!, constants));
    } else throw new NotConstant(`unsupported rule ${text.slice(0, 20)}`);
  }
  return rule === undefined ? { constants } : { rule, constants };
}

/** What the rule's value is: `true`, the value bound to an output pattern, or a one-element set. */
type Head = { kind: 'true' } | { kind: 'value'; pattern: string } | { kind: 'contains'; pattern: string };

interface Shape {
  call: Call;
  head: Head;
  /** How the statement relates the call: compared to a constant, bound to a pattern, or tested. */
  use: { kind: 'compare'; value: JsonValue } | { kind: 'bind'; pattern: string } | { kind: 'test' };
}

function parseHead(text: string): Head | undefined {
  if (text === '') return { kind: 'true' };
  const contains = /^contains\s+(\S+)$/.exec(text);
  if (contains) return { kind: 'contains', pattern: contains[1]! };
  const value = /^:?=\s*(.+)$/.exec(text);
  if (value && OUTPUT_PATTERN.test(value[1]!.trim())) return { kind: 'value', pattern: value[1]!.replace(/\s+/g, '') };
  return undefined;
}

function matchShape(body: string, constants: Constants): Shape | undefined {
  const direct = /^p\s*:?=\s*([^\n]+)$/.exec(body);
  if (direct && !/\sif\s*\{/.test(direct[1]!)) {
    const call = parseCall(direct[1]!, constants);
    if (!call || call.rest !== '' || call.output) return undefined;
    return { call, head: { kind: 'value', pattern: '$' }, use: { kind: 'bind', pattern: '$' } };
  }
  const rule = /^p\s*(.*?)\s*if\s*\{([\s\S]*)\}$/.exec(body);
  if (!rule) return undefined;
  const head = parseHead(rule[1]!.trim());
  const statement = rule[2]!.trim();
  if (!head || statement.includes('\n')) return undefined;
  const assign = /^([a-z_][a-z0-9_]*)\s*:?=\s*([\s\S]+)$/.exec(statement);
  const call = parseCall(assign ? assign[2]! : statement, constants);
  if (!call) return undefined;
  if (assign) {
    return call.rest === '' && !call.output ? { call, head, use: { kind: 'bind', pattern: assign[1]! } } : undefined;
  }
  if (call.output) return call.rest === '' ? { call, head, use: { kind: 'bind', pattern: call.output } } : undefined;
  if (call.rest === '') return { call, head, use: { kind: 'test' } };
  const eq = /^==\s*([\s\S]+)$/.exec(call.rest);
  return eq ? { call, head, use: { kind: 'compare', value: parseRegoTerm(eq[1]!, constants) } } : undefined;
}

function expectationOf(raw: RawCase, shape: Shape): HarvestedCase['expected'] | undefined {
  const failing = raw.want_error !== undefined || raw.want_error_code !== undefined;
  if (failing) return raw.strict_error ? { defined: false } : undefined;
  const rows = raw.want_result;
  if (!Array.isArray(rows)) return undefined;
  const { head, use } = shape;
  if (rows.length === 0) return use.kind === 'bind' && head.kind !== 'contains' ? { defined: false } : undefined;
  if (rows.length !== 1 || !rows[0] || !('x' in rows[0])) return undefined;
  const x = rows[0].x as JsonValue;
  if (head.kind === 'true') {
    if (x !== true) return undefined;
    if (use.kind === 'compare') return { defined: true, value: use.value };
    return use.kind === 'test' ? { defined: true, truthy: true } : undefined;
  }
  if (use.kind !== 'bind' || use.pattern !== head.pattern) return undefined;
  if (head.kind === 'contains') {
    return Array.isArray(x) && x.length === 1 ? { defined: true, value: x[0]! } : undefined;
  }
  return { defined: true, value: x };
}

/** `f(args, value)` with a constant last argument compares the result to that value. */
function withConstantOutput(shape: Shape, arity: number | undefined): Shape {
  if (arity === undefined || shape.use.kind !== 'test' || shape.call.args.length !== arity + 1) return shape;
  const args = shape.call.args.slice(0, arity);
  return { ...shape, call: { ...shape.call, args }, use: { kind: 'compare', value: shape.call.args[arity]! } };
}

function harvestFile(file: string, relative: string, accept: (name: string) => boolean, arityOf: (name: string) => number | undefined): HarvestedCase[] {
  const doc = parseYaml(readFileSync(file, 'utf8'), { intAsBigInt: true }) as { cases?: RawCase[] };
  const found: HarvestedCase[] = [];
  for (const raw of doc.cases ?? []) {
    if (raw.modules?.length !== 1 || raw.input !== undefined || raw.input_term !== undefined) continue;
    if (raw.data !== undefined && (typeof raw.data !== 'object' || raw.data === null || Object.keys(raw.data).length > 0)) continue;
    const module = ruleBody(raw.modules[0]!);
    if (module === undefined || raw.query !== `data.${module.pkg}.p = x`) continue;
    let shape: Shape | undefined;
    try {
      const { rule, constants } = splitConstants(module.body);
      shape = rule === undefined ? undefined : matchShape(rule, constants);
    } catch (err) {
      if (err instanceof NotConstant) continue;
      throw err;
    }
    if (!shape || !accept(shape.call.name)) continue;
    shape = withConstantOutput(shape, arityOf(shape.call.name));
    if (shape.call.args.length !== arityOf(shape.call.name)) continue;
    const expected = expectationOf(raw, shape);
    if (!expected) continue;
    found.push({ id: `${relative}: ${raw.note ?? '?'}`, builtin: shape.call.name, args: shape.call.args, expected });
  }
  return found;
}

/** Every harvestable case in the conformance set whose built-in passes `accept`. */
export function harvestCases(accept: (name: string) => boolean, arityOf: (name: string) => number | undefined): HarvestedCase[] {
  if (!existsSync(CONFORMANCE_DIR)) return [];
  const cases: HarvestedCase[] = [];
  for (const folder of readdirSync(CONFORMANCE_DIR, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    for (const name of readdirSync(join(CONFORMANCE_DIR, folder.name)).sort()) {
      if (!name.endsWith('.yaml')) continue;
      cases.push(...harvestFile(join(CONFORMANCE_DIR, folder.name, name), `${folder.name}/${name}`, accept, arityOf));
    }
  }
  return cases;
}
