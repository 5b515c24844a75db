/**
 * Human-readable accounts of an evaluation, modelled on OPA's: `opa eval --explain full|fails`
 * (one line per event, `file:line` then `| ` per nesting level) and the failure line of
 * `opa test --var-values` (the failing expression with its variables' values drawn under it).
 */
import type { Expr, Term } from '../compiler/ast/index.js';
import { refName, termToString } from '../compiler/ast/index.js';
import { lookupBuiltin } from '../builtins/index.js';
import type { TraceEvent, Tracer } from './interpreter.js';
import { numberText } from './json.js';
import { sourceExpression } from './source-expression.js';
import { Num, Obj, RSet, type Value } from './value.js';

export class TraceRecorder implements Tracer {
  readonly events: TraceEvent[] = [];

  event(e: TraceEvent): void {
    this.events.push(e);
  }
}

/** A value as Rego writes it (sets as `{...}` / `set()`), for traces. */
export function regoText(v: Value | undefined): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (v instanceof Num) return numberText(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(regoText).join(', ')}]`;
  if (v instanceof RSet) return v.size === 0 ? 'set()' : `{${v.items.map(regoText).join(', ')}}`;
  const o = v as Obj;
  return `{${o.keys.map((k, i) => `${regoText(k)}: ${regoText(o.vals[i])}`).join(', ')}}`;
}

/** Replaces generated variable names by the names written in the source. */
export function withSourceNames(text: string, sourceNames: ReadonlyMap<string, string>): string {
  return text.replace(/__local(?:q)?\d+__/g, (name) => sourceNames.get(name) ?? name);
}

/** `gt(x, 2)` as `x > 2`, `plus(a, b, c)` as `c = a + b`; other expressions as the compiler prints them. */
export function exprText(expr: Expr | undefined, fallback: string): string {
  if (!expr || expr.kind !== 'call' || expr.with.length > 0) return fallback;
  const name = refName(expr.operator);
  const infix = name === undefined ? undefined : name === 'eq' ? '=' : lookupBuiltin(name)?.infix;
  if (!infix || infix === ':=') return fallback;
  const t = (x: Term): string => termToString(x);
  const [a, b, out] = expr.args;
  if (!a || !b) return fallback;
  const core = `${t(a)} ${infix} ${t(b)}`;
  const text = out ? `${t(out)} = ${core}` : core;
  return expr.negated ? `not ${text}` : text;
}

function where(e: TraceEvent): string {
  return `${e.loc.file}:${e.loc.line}`;
}

function label(e: TraceEvent, names: ReadonlyMap<string, string>): string {
  switch (e.op) {
    case 'enter': return `Enter ${e.name}`;
    case 'exit': return `Exit ${e.name}`;
    case 'eval': return `Eval ${withSourceNames(e.text, names)}`;
    case 'fail': return `Fail ${withSourceNames(e.text, names)}`;
  }
}

function lines(events: readonly TraceEvent[], names: ReadonlyMap<string, string>): string {
  const width = Math.max(0, ...events.map((e) => where(e).length)) + 1;
  return events.map((e) => `${where(e).padEnd(width)}${'| '.repeat(e.depth)}${label(e, names)}`).join('\n');
}

/** Only the failures, each after the rules it happened in (OPA's `--explain fails`). */
function failuresWithContext(events: readonly TraceEvent[]): TraceEvent[] {
  const open: TraceEvent[] = [];
  const printed = new Set<TraceEvent>();
  const out: TraceEvent[] = [];
  for (const e of events) {
    if (e.op === 'enter') {
      open.length = e.depth;
      open[e.depth] = e;
    }
    if (e.op !== 'fail') continue;
    for (const enter of open.slice(0, e.depth)) {
      if (enter && !printed.has(enter)) {
        printed.add(enter);
        out.push(enter);
      }
    }
    out.push(e);
  }
  return out;
}

export type ExplainMode = 'full' | 'fails';

export function formatTrace(events: readonly TraceEvent[], mode: ExplainMode, sourceNames: ReadonlyMap<string, string> = new Map()): string {
  return lines(mode === 'full' ? events : failuresWithContext(events), sourceNames);
}

/** The last failure of the evaluation (the one that made it fail), if any. */
export function lastFailure(events: readonly TraceEvent[]): Extract<TraceEvent, { op: 'fail' }> | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.op === 'fail') return e;
  }
  return undefined;
}

function wordColumn(text: string, name: string): number {
  const m = new RegExp(`(^|[^A-Za-z0-9_])${name.replace(/[$]/g, '\\$')}(?![A-Za-z0-9_])`).exec(text);
  return m ? m.index + m[1]!.length : -1;
}

/**
 * `file:line:` then the failing expression with each variable's value under it:
 *     x == 2
 *     |
 *     1
 */
/** The text of a source line, when the caller has the sources (`file` as the trace names it). */
export type SourceLines = (file: string, line: number) => string | undefined;

interface Mark {
  col: number;
  value: string;
}

/**
 * The failing expression as written, with each variable's value under the term it stands for: a
 * variable the compiler generated for a call or ref sits where that term was written. Undefined
 * when the source line is not at hand or the expression does not fit on it.
 */
function asWritten(e: Extract<TraceEvent, { op: 'fail' }>, sourceLines: SourceLines | undefined): { text: string; marks: Mark[] } | undefined {
  const line = sourceLines?.(e.loc.file, e.loc.line);
  const text = line === undefined ? undefined : sourceExpression(line, e.loc.col);
  if (text === undefined) return undefined;
  const marks: Mark[] = [];
  const taken = new Set<number>();
  for (const v of e.vars) {
    if (!v.loc || v.loc.file !== e.loc.file || v.loc.line !== e.loc.line) continue;
    const col = v.loc.col - e.loc.col;
    if (col < 0 || col >= text.length || taken.has(col)) continue;
    taken.add(col);
    marks.push({ col, value: regoText(v.value) });
  }
  return { text, marks };
}

/** The compiled expression, generated names replaced by source names, each variable found by its name. */
function asCompiled(e: Extract<TraceEvent, { op: 'fail' }>, sourceNames: ReadonlyMap<string, string>): { text: string; marks: Mark[] } {
  const text = withSourceNames(e.text, sourceNames);
  const marks = e.vars
    .map((v) => {
      const name = sourceNames.get(v.name) ?? v.name;
      return { col: wordColumn(text, name), value: regoText(v.value) };
    })
    .filter((m) => m.col >= 0);
  return { text, marks };
}

export function formatFailure(e: Extract<TraceEvent, { op: 'fail' }>, sourceNames: ReadonlyMap<string, string>, indent = '  ', sourceLines?: SourceLines): string {
  const { text, marks } = asWritten(e, sourceLines) ?? asCompiled(e, sourceNames);
  marks.sort((a, b) => a.col - b.col);
  const pad = `${indent}    `;
  const out = [`${indent}${e.loc.file}:${e.loc.line}:`, `${pad}${text}`];
  const bars = (n: number): string => {
    let s = '';
    for (const m of marks.slice(0, n)) s = s.padEnd(m.col) + '|';
    return s;
  };
  if (marks.length > 0) out.push(pad + bars(marks.length));
  for (let i = marks.length - 1; i >= 0; i--) out.push(pad + bars(i).padEnd(marks[i]!.col) + marks[i]!.value);
  return out.join('\n');
}
