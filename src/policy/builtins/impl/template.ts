/**
 * internal.template_string (Rego string interpolation), print / internal.print, and
 * strings.render_template with the subset of Go's text/template that policies use: fields
 * ({{.a.b}}), variables, if / else, range (with $i, $v :=), with, and {{- -}} trimming.
 */
import type { HostImplementation } from '../types.js';
import { asArray, asObject, asString, fail, isObject, type JsonValue } from '../value.js';
import { regoValueString } from './sprintf.js';

/** Where print() output goes; OPA without a print hook discards it, and so does the default. */
let printSink: (line: string) => void = () => {};

export function setPrintSink(sink: (line: string) => void): void {
  printSink = sink;
}

/** An operand of print / template strings: a primitive, or a set (array here) of candidate values. */
function operandText(operand: JsonValue, single: boolean): string {
  if (typeof operand === 'string') return operand;
  if (operand === null || typeof operand !== 'object') return String(operand);
  const values = asArray(operand, 'operand element');
  if (values.length === 0) return '<undefined>';
  if (single && values.length > 1) fail('template-strings must not produce multiple outputs');
  const v = values[0]!;
  return typeof v === 'string' ? v : regoValueString(v);
}

function templateString(parts: unknown): string {
  return asArray(parts, 'operand 1').map((p) => operandText(p, true)).join('');
}

function print(parts: unknown): boolean {
  printSink(asArray(parts, 'operand 1').map((p) => operandText(p, false)).join(' '));
  return true;
}

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'out'; expr: string }
  | { kind: 'if'; expr: string; then: Node[]; else: Node[] }
  | { kind: 'with'; expr: string; then: Node[]; else: Node[] }
  | { kind: 'range'; expr: string; keyVar?: string; valueVar?: string; then: Node[]; else: Node[] };

function lex(src: string): ({ text: string } | { action: string })[] {
  const out: ({ text: string } | { action: string })[] = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) {
      out.push({ text: src.slice(i) });
      break;
    }
    let text = src.slice(i, open);
    const close = src.indexOf('}}', open);
    if (close < 0) fail('unclosed action');
    let action = src.slice(open + 2, close);
    if (action.startsWith('-')) {
      text = text.replace(/\s+$/, '');
      action = action.slice(1);
    }
    let next = close + 2;
    if (action.endsWith('-')) {
      action = action.slice(0, -1);
      while (next < src.length && /\s/.test(src[next]!)) next++;
    }
    if (text) out.push({ text });
    out.push({ action: action.trim() });
    i = next;
  }
  return out;
}

function parseNodes(tokens: ReturnType<typeof lex>, pos: { i: number }, stop: string[]): { nodes: Node[]; end: string } {
  const nodes: Node[] = [];
  while (pos.i < tokens.length) {
    const t = tokens[pos.i++]!;
    if ('text' in t) {
      nodes.push({ kind: 'text', text: t.text });
      continue;
    }
    const a = t.action;
    if (a.startsWith('/*')) continue;
    const word = a.split(/\s+/)[0]!;
    if (stop.includes(word)) return { nodes, end: word };
    if (word === 'if' || word === 'with' || word === 'range') {
      const expr = a.slice(word.length).trim();
      const body = parseNodes(tokens, pos, ['else', 'end']);
      const alt = body.end === 'else' ? parseNodes(tokens, pos, ['end']).nodes : [];
      if (word === 'range') {
        const decl = /^\$(\w+)(?:\s*,\s*\$(\w+))?\s*:=\s*(.+)$/.exec(expr);
        const node: Node = decl
          ? decl[2] !== undefined
            ? { kind: 'range', expr: decl[3]!, keyVar: decl[1]!, valueVar: decl[2], then: body.nodes, else: alt }
            : { kind: 'range', expr: decl[3]!, valueVar: decl[1]!, then: body.nodes, else: alt }
          : { kind: 'range', expr, then: body.nodes, else: alt };
        nodes.push(node);
      } else nodes.push({ kind: word, expr, then: body.nodes, else: alt });
      continue;
    }
    nodes.push({ kind: 'out', expr: a });
  }
  if (stop.length > 0) fail('unexpected end of template');
  return { nodes, end: '' };
}

const MISSING = Symbol('missing');
type Value = JsonValue | typeof MISSING;

function evaluate(expr: string, dot: Value, vars: Map<string, Value>): Value {
  const e = expr.trim();
  if (e === '.') return dot;
  if (/^-?\d+(\.\d+)?$/.test(e)) return Number(e);
  if (/^"(?:[^"\\]|\\.)*"$/.test(e)) return JSON.parse(e) as string;
  if (e === 'true' || e === 'false') return e === 'true';
  const m = /^(\$\w*)?((?:\.\w+)*)$/.exec(e);
  if (!m) fail(`unsupported template expression ${e}`);
  let cur: Value = m[1] !== undefined ? (vars.get(m[1]) ?? fail(`undefined variable ${m[1]}`)) : dot;
  for (const field of m[2]!.split('.').filter((f) => f !== '')) {
    if (cur === MISSING || !isObject(cur) || !(field in cur)) return MISSING;
    cur = cur[field]!;
  }
  return cur;
}

function truthy(v: Value): boolean {
  if (v === MISSING || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isObject(v)) return Object.keys(v).length > 0;
  return true;
}

/** Go's fmt.Sprint of the JSON value a template sees. */
function goPrint(v: Value): string {
  if (v === MISSING) return '<undefined>';
  if (v === null) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goPrint).join(' ')}]`;
  if (isObject(v)) return `map[${Object.keys(v).sort().map((k) => `${k}:${goPrint(v[k]!)}`).join(' ')}]`;
  return String(v);
}

function render(nodes: Node[], dot: Value, vars: Map<string, Value>): string {
  let out = '';
  for (const n of nodes) {
    if (n.kind === 'text') out += n.text;
    else if (n.kind === 'out') out += goPrint(evaluate(n.expr, dot, vars));
    else if (n.kind === 'if') out += render(truthy(evaluate(n.expr, dot, vars)) ? n.then : n.else, dot, vars);
    else if (n.kind === 'with') {
      const v = evaluate(n.expr, dot, vars);
      out += truthy(v) ? render(n.then, v, vars) : render(n.else, dot, vars);
    } else {
      const v = evaluate(n.expr, dot, vars);
      const entries: [Value, Value][] = Array.isArray(v)
        ? v.map((x, i) => [i, x])
        : isObject(v)
          ? Object.keys(v).sort().map((k) => [k, v[k]!])
          : [];
      if (entries.length === 0) out += render(n.else, dot, vars);
      for (const [k, x] of entries) {
        const scope = new Map(vars);
        if (n.keyVar !== undefined) scope.set(`$${n.keyVar}`, k);
        if (n.valueVar !== undefined) scope.set(`$${n.valueVar}`, x);
        out += render(n.then, x, scope);
      }
    }
  }
  return out;
}

function renderTemplate(template: unknown, vars: unknown): string {
  const data = asObject(vars, 'operand 2');
  const { nodes } = parseNodes(lex(asString(template, 'operand 1')), { i: 0 }, []);
  return render(nodes, data, new Map([['$', data]]));
}

export const templateBuiltins: Readonly<Record<string, HostImplementation>> = {
  'internal.template_string': templateString,
  'internal.print': print,
  'strings.render_template': renderTemplate,
};
