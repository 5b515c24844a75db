/**
 * `policy fmt`: one canonical layout for Rego v1 in the manner of `opa fmt`. The module is parsed,
 * then printed from its AST: tabs for indentation, `if` and `contains` kept, one blank line between
 * rules (adjacent one-line rules stay together), imports sorted within their groups, operators
 * spaced, a body of one expression written on one line kept on one line, a bracket that was split
 * over lines printed one item a line with a trailing comma. Strings, numbers and template strings
 * keep their source text; every comment is kept, next to the code it stood by.
 */
import { CompileError } from '../compiler/ast/errors.js';
import { refName } from '../compiler/ast/terms.js';
import type { Body, CallTerm, Expr, Import, Location, Module, RefTerm, Rule, Term, With } from '../compiler/ast/types.js';
import { parseModule } from '../compiler/parser/index.js';
import { type Block, type Line, blank, concat, indent, span, text } from './lines.js';
import { type Comment, SourceMap } from './source.js';

const INFIX: Record<string, { symbol: string; precedence: number }> = {
  'internal.member_2': { symbol: 'in', precedence: 0 },
  'internal.member_3': { symbol: 'in', precedence: 0 },
  equal: { symbol: '==', precedence: 1 }, neq: { symbol: '!=', precedence: 1 },
  lt: { symbol: '<', precedence: 1 }, gt: { symbol: '>', precedence: 1 },
  lte: { symbol: '<=', precedence: 1 }, gte: { symbol: '>=', precedence: 1 },
  or: { symbol: '|', precedence: 2 },
  and: { symbol: '&', precedence: 3 },
  plus: { symbol: '+', precedence: 4 }, minus: { symbol: '-', precedence: 4 },
  mul: { symbol: '*', precedence: 5 }, div: { symbol: '/', precedence: 5 }, rem: { symbol: '%', precedence: 5 },
};

const ASSIGNMENT: Record<string, string> = { eq: '=', assign: ':=' };
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Formats one module; throws CompileError when it does not parse (nothing is formatted then). */
export function formatRego(source: string, file = '<source>'): string {
  const module = parseModule(source, file);
  refuseLogicKeywords(module);
  return new Formatter(source, file).module(module);
}

/** `and`/`or`/`not { }` are lowered by the parser: their source form cannot be printed back. */
function refuseLogicKeywords(module: Module): void {
  for (const imp of module.imports) {
    const name = refName(imp.path);
    if (name === 'future.keywords.and' || name === 'future.keywords.or' || name === 'future.keywords.not') {
      throw new CompileError([{ code: 'rego_unsupported_error', message: `cannot format modules that import ${name}`, loc: imp.loc }]);
    }
  }
}

class Formatter {
  private readonly src: SourceMap;
  private readonly leading: Comment[];
  private readonly trailing: Comment[];

  constructor(source: string, file: string) {
    this.src = new SourceMap(source, file);
    this.leading = this.src.comments.filter((c) => !c.trailing);
    this.trailing = this.src.comments.filter((c) => c.trailing);
  }

  // ---- module ----

  module(m: Module): string {
    const out: Block = [];
    out.push(...this.commentsBefore(this.takeLeading(m.package.loc.line), m.package.loc.line));
    out.push(...text(`package ${this.packagePath(m.package.path)}`, m.package.loc.line));
    if (m.imports.length > 0) {
      out.push(blank());
      out.push(...this.imports(m.imports));
    }
    let previous: Rule | undefined;
    let previousLines = 0;
    for (const rule of m.rules) {
      const comments = this.takeLeading(rule.loc.line);
      const block = rule.chained ? this.chainedRule(rule) : this.rule(rule);
      // A chained body's head may print over lines its `{` line did not have: grouping the next rule
      // with it would not survive a second run.
      if (!previous || !grouped(previous, rule) || previousLines > 1) out.push(blank());
      out.push(...this.commentsBefore(comments, rule.loc.line), ...block);
      previous = rule;
      previousLines = block.length;
    }
    // OPA's writeModule prints what is left one a line, without the blank lines between them.
    const rest = this.takeLeading(Number.MAX_SAFE_INTEGER);
    if (rest.length > 0) out.push(blank(), ...rest.map(commentLine));
    return this.render(out);
  }

  private packagePath(path: RefTerm): string {
    const [, first, ...rest] = path.terms;
    const name = first?.type === 'string' ? first.value : '';
    return name + rest.map((t) => this.refOperand(t)).join('');
  }

  /** Imports sorted by path within each group; a blank line or a comment in the source ends a group. */
  private imports(imports: Import[]): Block {
    const groups: Array<{ comments: Comment[]; imports: Import[] }> = [];
    let previousLine = 0;
    for (const imp of imports) {
      const comments = this.takeLeading(imp.loc.line);
      if (groups.length === 0 || comments.length > 0 || imp.loc.line > previousLine + 1) groups.push({ comments, imports: [] });
      groups[groups.length - 1]!.imports.push(imp);
      previousLine = imp.loc.line;
    }
    const out: Block = [];
    groups.forEach((group, i) => {
      if (i > 0) out.push(blank());
      out.push(...this.commentsBefore(group.comments, group.imports[0]!.loc.line));
      for (const imp of [...group.imports].sort(compareImports)) {
        out.push(...text(`import ${this.ref(imp.path)}${imp.alias ? ` as ${imp.alias}` : ''}`, imp.loc.line));
      }
    });
    return out;
  }

  // ---- rules ----

  private rule(rule: Rule): Block {
    const head = concat(text(rule.default ? 'default ' : ''), this.head(rule));
    if (rule.default || rule.body.length === 0 && !rule.else) return head;
    let { block: out, oneLine } = this.withBody(head, rule.body);
    for (let prev = rule, e = rule.else; e; prev = e, e = e.else) {
      // After a body kept on the head's line OPA has ended that line: the else starts a paragraph.
      const inline = !oneLine && this.elseInline(prev, e);
      const comments = inline ? [] : this.takeLeading(e.loc.line);
      const next = this.withBody(concat(text('else', e.loc.line), this.headValue(e) ?? []), e.body);
      out = inline ? concat(out, text(' '), next.block) : [...out, blank(), ...this.commentsBefore(comments, e.loc.line), ...next.block];
      oneLine = next.oneLine;
    }
    return out;
  }

  /** `head if expr` where OPA keeps the body on the head's line (see oneLiner), otherwise `head if { ... }`. */
  private withBody(head: Block, body: Body): { block: Block; oneLine: boolean } {
    if (body.length === 0) return { block: head, oneLine: false };
    if (this.oneLiner(body)) {
      const expr = this.expr(body[0]!, true);
      if (!expr[0]!.text.startsWith('{')) return { block: concat(head, text(' if '), expr), oneLine: true };
    }
    return { block: concat(head, text(' if '), this.braceBody(body)), oneLine: false };
  }

  /**
   * OPA's writeElse keeps `} else` together only when the source had it so and no comment stands in
   * between: one above the `else`, or one after the `}` (which then ends that line).
   */
  private elseInline(prev: Rule, e: Rule): boolean {
    const line = this.src.text.split('\n')[e.loc.line - 1] ?? '';
    if (e.loc.line <= prev.loc.line || line.trimStart().startsWith('else')) return false;
    if ((this.leading[0]?.line ?? Number.MAX_SAFE_INTEGER) < e.loc.line) return false;
    const first = prev.body[0] && this.src.indexAt(prev.body[0].loc);
    if (first === undefined || this.src.tokens[first - 1]?.text !== '{') return true;
    const close = this.src.tokens[this.src.closing(first - 1)]!;
    const startsLine = this.src.tokens.find((t) => t.loc.line === close.loc.line) === close;
    return !(startsLine && this.trailing.some((c) => c.line === close.loc.line));
  }

  /**
   * A body chained after another (`p if { a } { b }`) becomes a rule of its own, as in opa fmt.
   * OPA locates the copied head at the body's `{`: nothing in it reads as split over lines, a `true`
   * value is left out, and the body goes on one line when its one expression starts on the line of
   * the closing `}` (unless a comment sits inside, which the block form keeps in place).
   */
  private chainedRule(rule: Rule): Block {
    const h = rule.head;
    if (containsTemplate(h)) {
      throw new CompileError([{ code: 'rego_unsupported_error', message: 'cannot format a chained rule body whose head holds a template string', loc: rule.loc }]);
    }
    const flat = unlocated(h, rule.loc.line) as typeof h;
    let head = this.refBlock(flat.ref);
    if (flat.args) head = concat(head, this.list('(', ')', flat.args, undefined));
    if (flat.kind === 'set' && flat.key) head = concat(head, text(' contains '), this.term(flat.key));
    else if (flat.value && !(flat.value.type === 'boolean' && flat.value.value)) head = concat(head, text(' := '), this.term(flat.value));
    const open = this.src.indexAt(rule.loc);
    const closeLine = open === undefined ? 0 : this.src.tokens[this.src.closing(open)]!.loc.line;
    const commentInside = (this.leading[0]?.line ?? Number.MAX_SAFE_INTEGER) < closeLine;
    if (rule.body.length === 1 && rule.body[0]!.loc.line === closeLine && !commentInside) {
      const expr = this.expr(rule.body[0]!, true);
      if (!expr[0]!.text.startsWith('{')) return concat(head, text(' if '), expr);
    }
    return concat(head, text(' if '), this.braceBody(rule.body));
  }

  /**
   * OPA's writeRule: a single body expression that starts on the row where the head ends is written
   * after `if` on that line, wherever the closing brace was (comments after it wait for the next node).
   */
  private oneLiner(body: Body): boolean {
    if (body.length !== 1) return false;
    const index = this.src.indexAt(body[0]!.loc);
    if (index === undefined) return false;
    let i = index - 1;
    if (this.src.tokens[i]?.text === '{') i--;
    if (this.src.tokens[i]?.text === 'if') i--;
    const headEnd = this.src.tokens[i];
    return headEnd !== undefined && body[0]!.loc.line === this.src.endLine(headEnd);
  }

  private head(rule: Rule): Block {
    const h = rule.head;
    let out = this.refBlock(h.ref);
    if (h.args) out = concat(out, this.list('(', ')', h.args, this.callOpen(h.ref), 'plain', { headStart: h.loc }));
    if (h.kind === 'set' && h.key) out = concat(out, text(' contains '), this.term(h.key));
    const value = this.headValue(rule);
    return value ? concat(out, value) : out;
  }

  /**
   * ` := v`, or nothing when the source gave no value (the parser fills in `true`). A head written
   * with `=` is printed with `:=` too, as OPA's writeHead does when formatting Rego v1.
   */
  private headValue(rule: Rule): Block | undefined {
    const h = rule.head;
    if (h.kind === 'set' || !h.value || h.value.loc === h.loc) return undefined;
    return concat(text(' := '), this.term(h.value));
  }

  /** `{`, the expressions one a line (with their comments), `}`. */
  private braceBody(body: Body): Block {
    const index = this.src.indexAt(body[0]!.loc);
    const open = index === undefined ? undefined : index - 1;
    const braced = open !== undefined && this.src.tokens[open]?.text === '{';
    const openLine = braced ? this.src.tokens[open]!.loc.line : body[0]!.loc.line;
    const closeLine = braced ? this.src.tokens[this.src.closing(open)]!.loc.line : 0;
    return [...text('{', openLine), ...indent(this.bodyLines(body, closeLine)), ...text('}', closeLine)];
  }

  /**
   * OPA's writeBody: a blank line before an expression that did not start on the line after the
   * previous one ended, whatever comments stand between them; then the comments left before the
   * closing bracket (insertComments at closingLoc), with no blank line above them.
   */
  private bodyLines(body: Body, closeLine: number): Block {
    const lines: Block = [];
    let previousEnd = 0;
    body.forEach((e, i) => {
      // Taken before the expression is printed: brackets inside it take the comments above their items.
      const comments = this.takeLeading(e.loc.line);
      const block = this.expr(e, true);
      // Comments left over from inside the previous expression (before a call's `)`) come out below
      // it; OPA adds the blank line above them only when formatting its own output again, which is
      // printed here at once so that formatting is idempotent.
      if (i > 0 && (e.loc.line > previousEnd + 1 || (comments[0]?.line ?? Infinity) <= previousEnd)) lines.push(blank());
      lines.push(...this.commentsBefore(comments, e.loc.line), ...block);
      previousEnd = Math.max(e.loc.line, span(block).to);
    });
    if (closeLine > 0) lines.push(...this.commentsBefore(this.takeLeading(closeLine), closeLine));
    return lines;
  }

  /**
   * OPA's insertComments/writeComments: the comments before a node, a blank line between two that
   * had one (or between two metadata blocks), and one after them when the node did not follow directly.
   */
  private commentsBefore(comments: Comment[], line: number): Block {
    const out: Block = [];
    let inMetadata = false;
    comments.forEach((c, i) => {
      const metadata = c.col === 1 && c.text.slice(1).trim().startsWith('METADATA');
      const gap = i > 0 ? c.line - comments[i - 1]!.line : 0;
      if (gap > 1) inMetadata = false;
      if (gap > 1 || (gap === 1 && inMetadata && metadata)) out.push(blank());
      if (metadata) inMetadata = true;
      out.push(commentLine(c));
    });
    const last = comments[comments.length - 1];
    if (last && line - last.line > 1) out.push(blank());
    return out;
  }

  private takeLeading(beforeLine: number): Comment[] {
    const out: Comment[] = [];
    while (this.leading.length > 0 && this.leading[0]!.line < beforeLine) out.push(this.leading.shift()!);
    return out;
  }

  // ---- expressions ----

  private expr(e: Expr, top: boolean): Block {
    const prefix = e.negated ? 'not ' : '';
    let out: Block;
    switch (e.kind) {
      case 'term': out = this.term(e.term, top ? 'expr' : 'item'); break;
      case 'call': out = this.callExpr(e.operator, e.args, e.loc); break;
      case 'some': out = this.someVars(e); break;
      case 'somein': out = concat(text('some ', e.loc.line), e.key ? concat(this.term(e.key), text(', ')) : [], this.term(e.value), text(' in '), this.term(e.domain)); break;
      case 'every': out = concat(text('every ', e.loc.line), e.key ? text(`${e.key.name}, `) : [], text(e.value.name), text(' in '), this.term(e.domain), text(' '), this.everyBody(e)); break;
    }
    return this.withs(concat(text(prefix, e.loc.line), out), e.with);
  }

  /** OPA's writeSomeDecl: a variable on a row below the one before it starts a line one level in. */
  private someVars(e: Extract<Expr, { kind: 'some' }>): Block {
    let out = text('some ', e.loc.line);
    let row = e.loc.line;
    e.vars.forEach((v, i) => {
      const name = text(i < e.vars.length - 1 ? `${v.name},` : v.name, v.loc.line);
      if (v.loc.line > row) {
        out = [...out, ...indent(name)];
        row = v.loc.line;
      } else {
        out = concat(out, text(i > 0 ? ' ' : ''), name);
      }
    });
    return out;
  }

  /** OPA's writeExpr: a `with` on a row below the expression's terms (or the `with` before it) starts a line one level in. */
  private withs(out: Block, withs: With[]): Block {
    let lastRow = span(out).to;
    for (const w of withs) {
      const block = concat(text('with ', w.loc.line), this.refBlock(w.target), text(' as '), this.term(w.value));
      if (w.loc.line > lastRow) {
        out = [...out, ...indent(block)];
        lastRow = w.loc.line;
      } else {
        out = concat(out, text(' '), block);
      }
    }
    return out;
  }

  /**
   * OPA's writeComprehensionBody for `every`: on one line when every expression starts on the row of
   * the `every`, and then with a space before the `}` only after a single expression (`{ a; b}`).
   */
  private everyBody(e: Extract<Expr, { kind: 'every' }>): Block {
    if (!e.body.every((x) => x.loc.line === e.loc.line)) return this.braceBody(e.body);
    const first = this.src.indexAt(e.body[0]!.loc);
    const closeLine = first === undefined ? 0 : this.src.tokens[this.src.closing(first - 1)]!.loc.line;
    const exprs = e.body.map((x) => this.expr(x, true));
    return concat(text('{ '), ...joinWith(exprs, '; '), text(e.body.length === 1 ? ' }' : '}', closeLine));
  }

  private callExpr(operator: RefTerm, args: Term[], loc: Location): Block {
    const name = refName(operator) ?? '';
    const assignment = ASSIGNMENT[name];
    if (assignment && args.length === 2 && this.isInfixAt(operator, assignment)) {
      return concat(this.term(args[0]!, 'expr'), text(` ${assignment} `), this.term(args[1]!, 'expr'));
    }
    return this.term({ type: 'call', operator, args, loc }, 'exprcall');
  }

  /** Whether a call came from an operator in the source (its operator location holds the symbol). */
  private isInfixAt(operator: RefTerm, symbol: string): boolean {
    return this.src.tokenAt(operator.loc)?.text === symbol;
  }

  private infixOf(t: Term): { symbol: string; precedence: number } | undefined {
    if (t.type !== 'call') return undefined;
    const op = INFIX[refName(t.operator) ?? ''];
    return op && this.isInfixAt(t.operator, op.symbol) ? op : undefined;
  }

  // ---- terms ----

  /**
   * `context` says where the term stands: `expr` (top of an expression: `k, v in xs` needs no
   * parentheses), `exprcall` (the expression's own operator call), `item` (inside brackets, where a
   * top-level `|` would start a comprehension).
   */
  private term(t: Term, context: 'expr' | 'exprcall' | 'item' | 'plain' = 'plain'): Block {
    const infix = this.infixOf(t);
    if (infix && t.type === 'call') {
      const block = this.infix(t, infix.symbol, infix.precedence, context === 'exprcall');
      const ternary = t.args.length === 3;
      const needsParens = (ternary && context !== 'expr' && context !== 'exprcall') || (context === 'item' && infix.symbol === '|');
      return needsParens ? concat(text('('), block, text(')')) : block;
    }
    switch (t.type) {
      case 'null': return text('null', t.loc.line);
      case 'boolean': return text(String(t.value), t.loc.line);
      case 'number': return this.sourceText(t.loc, t.text);
      case 'string': return this.sourceText(t.loc, JSON.stringify(t.value));
      case 'templatestring': return this.sourceText(t.loc, '$""');
      case 'var': return text(t.name, t.loc.line);
      case 'ref': return this.refBlock(t);
      case 'call': return concat(this.refBlock(t.operator), this.list('(', ')', t.args, this.callOpen(t.operator), 'plain', 'call'));
      case 'array': return t.items.length === 0 ? text('[]', t.loc.line) : this.list('[', ']', t.items, this.src.indexAt(t.loc), 'item');
      case 'set': return t.items.length === 0 ? text('set()', t.loc.line) : this.list('{', '}', t.items, this.src.indexAt(t.loc), 'item');
      case 'object': return t.entries.length === 0 ? text('{}', t.loc.line) : this.objectBlock(t.entries, t.loc);
      case 'arraycomprehension': return this.comprehension('[', ']', this.headTerm(t.term), t.term.loc.line, t.body, t.loc);
      case 'setcomprehension': return this.comprehension('{', '}', this.headTerm(t.term), t.term.loc.line, t.body, t.loc);
      // OPA moves the value to the key's location, so the key's row is the head's.
      case 'objectcomprehension': return this.comprehension('{', '}', concat(this.headTerm(t.key), text(': '), this.headTerm(t.value)), t.key.loc.line, t.body, t.loc);
    }
  }

  /** Comprehension heads are parsed as plain terms: an operator there needs parentheses. */
  private headTerm(t: Term): Block {
    const block = this.term(t);
    return this.infixOf(t) ? concat(text('('), block, text(')')) : block;
  }

  private infix(t: CallTerm, symbol: string, precedence: number, expression = false): Block {
    // OPA's writeCall writes every operator operand of an operator in parentheses (writeTermParens
    // with parens set), whatever the precedence; an `in` gets none there, and neither do the operands
    // of an expression's own operator (writeFunctionCall): those keep parentheses only where leaving
    // them out would regroup the operands.
    const operand = (x: Term, right: boolean): Block => {
      const inner = this.infixOf(x);
      const block = this.term(x);
      const wrap = inner && ((!expression && inner.symbol !== 'in') || inner.precedence < precedence || (right && inner.precedence === precedence));
      return wrap ? concat(text('('), block, text(')')) : block;
    };
    const args = t.args;
    // `k, v in xs`: an operator of the same level in k or v would take the comma pair apart.
    if (args.length === 3) return concat(operand(args[0]!, true), text(', '), operand(args[1]!, true), text(` ${symbol} `), operand(args[2]!, true));
    return concat(operand(args[0]!, false), text(` ${symbol} `), operand(args[1]!, true));
  }

  /** Strings, numbers and templates keep the text they were written with (raw strings, escapes). */
  private sourceText(loc: Location, fallback: string): Block {
    const tok = this.src.tokenAt(loc);
    // A negative number is two tokens (`-` and the digits): the AST's text is the source's then.
    if (!tok || tok.kind === 'op' || tok.kind === 'ident') return text(fallback, loc.line);
    return text(tok.text, loc.line, this.src.endLine(tok));
  }

  private refBlock(ref: RefTerm): Block {
    const [first, ...rest] = ref.terms;
    let out: Block = first ? this.refHead(first) : [];
    for (const t of rest) {
      if (t.type === 'string' && IDENT.test(t.value)) out = concat(out, text(`.${t.value}`, t.loc.line));
      else out = concat(out, text('['), this.term(t), text(']'));
    }
    return out;
  }

  private refHead(t: Term): Block {
    if (t.type === 'var') return text(t.name, t.loc.line);
    const block = this.term(t);
    return this.infixOf(t) || t.type === 'number' ? concat(text('('), block, text(')')) : block;
  }

  private refOperand(t: Term): string {
    if (t.type === 'string' && IDENT.test(t.value)) return `.${t.value}`;
    return `[${this.term(t).map((l) => l.text).join(' ')}]`;
  }

  private ref(ref: RefTerm): string {
    return this.refBlock(ref).map((l) => l.text).join(' ');
  }

  /** Index of the `(` after a call's operator. */
  private callOpen(operator: RefTerm): number | undefined {
    const last = operator.terms[operator.terms.length - 1]!;
    const index = this.src.indexAt(last.loc);
    if (index === undefined) return undefined;
    const next = this.src.tokens[index + 1];
    return next?.text === '(' ? index + 1 : undefined;
  }

  private splitInSource(open: number | undefined): { split: boolean; openLine: number; closeLine: number } {
    if (open === undefined) return { split: false, openLine: 0, closeLine: 0 };
    const close = this.src.closing(open);
    const openLine = this.src.tokens[open]!.loc.line;
    const closeLine = this.src.tokens[close]!.loc.line;
    return { split: openLine !== closeLine, openLine, closeLine };
  }

  /**
   * `[a, b]` on one line, or one row of items a line with a trailing comma (see `iterable`). A call's
   * arguments are never split for a line break before the first one, and the comments before its `)`
   * are left to the next node: OPA finds no closing location for a call.
   */
  private list(open: string, close: string, items: Term[], openIndex: number | undefined, context: 'item' | 'plain' = 'plain', kind: 'collection' | 'call' | { headStart: Location } = 'collection'): Block {
    const entries = items.map((t) => ({ line: t.loc.line, render: () => this.term(t, context) }));
    const first = items[0];
    let newlineBeforeFirst = false;
    if (first && openIndex !== undefined) {
      if (kind === 'collection') newlineBeforeFirst = first.loc.line > this.src.tokens[openIndex]!.loc.line;
      else if (kind !== 'call') newlineBeforeFirst = this.newlineBeforeText(kind.headStart, first.loc);
    }
    return this.iterable(open, close, entries, openIndex, newlineBeforeFirst, kind !== 'call');
  }

  /**
   * OPA looks for a function's first argument by its text in the head's text: the first place that
   * text occurs (it may be inside the name) decides whether a line break precedes it.
   */
  private newlineBeforeText(from: Location, item: Location): boolean {
    const start = this.src.tokenAt(from)?.start;
    const tok = this.src.tokenAt(item);
    if (start === undefined || !tok) return false;
    const at = this.src.text.indexOf(tok.text, start);
    return at > start && this.src.text.slice(start, at).includes('\n');
  }

  private objectBlock(entries: Array<[Term, Term]>, loc: Location): Block {
    const items = entries.map(([k, v]) => ({ line: k.loc.line, render: () => concat(this.term(k, 'item'), text(': '), this.term(v, 'item')) }));
    const open = this.src.indexAt(loc);
    const first = entries[0]?.[0];
    const newlineBeforeFirst = first !== undefined && open !== undefined && first.loc.line > this.src.tokens[open]!.loc.line;
    return this.iterable('{', '}', items, open, newlineBeforeFirst, true);
  }

  /**
   * OPA's writeIterable: items are grouped by the row they start on. Several rows, or a line break
   * before the first item, give one row a line with a trailing comma, the comments above each row
   * kept (never a blank line between rows); otherwise one line, whatever lines the items span.
   */
  private iterable(open: string, close: string, items: Array<{ line: number; render: () => Block }>, openIndex: number | undefined, newlineBeforeFirst: boolean, commentsAtClose: boolean): Block {
    const openLine = openIndex === undefined ? 0 : this.src.tokens[openIndex]!.loc.line;
    const closeLine = openIndex === undefined ? 0 : this.src.tokens[this.src.closing(openIndex)]!.loc.line;
    const multiline = newlineBeforeFirst || items.some((item, i) => i > 0 && item.line > items[i - 1]!.line);
    if (!multiline) return concat(text(open, openLine), ...joinWith(items.map((item) => item.render()), ', '), text(close, closeLine));
    const inner: Block = [];
    for (let i = 0; i < items.length;) {
      const row = items[i]!.line;
      // Taken before the row is printed: brackets inside it take the comments above their own items.
      const comments = this.takeLeading(row);
      const group: Block[] = [];
      for (; i < items.length && items[i]!.line === row; i++) group.push(items[i]!.render());
      inner.push(...this.commentsBefore(comments, row), ...concat(...joinWith(group, ', '), text(',')));
    }
    // A call's are left for the next node, as OPA leaves them, unless a comment after the `)` would
    // then come first: the comments keep their order (deviation).
    if (commentsAtClose || this.trailing.some((c) => c.line === closeLine)) inner.push(...this.commentsBefore(this.takeLeading(closeLine), closeLine));
    return [{ ...text(open, openLine)[0]!, opens: true }, ...indent(inner), ...text(close, closeLine)];
  }

  /**
   * OPA's writeComprehensionBody: the body goes on lines of its own when it starts below the head
   * term or its expressions start on more than one row; otherwise `[x | a; b]` on one line.
   */
  private comprehension(open: string, close: string, head: Block, headLine: number, body: Body, loc: Location): Block {
    const { openLine, closeLine } = this.splitInSource(this.src.indexAt(loc));
    const multiline = body[0]!.loc.line > headLine || body.some((e, i) => i > 0 && e.loc.line > body[i - 1]!.loc.line);
    if (!multiline) return concat(text(open, openLine), head, text(' | '), ...joinWith(body.map((e) => this.expr(e, true)), '; '), text(close, closeLine));
    return [...concat(text(open, openLine), head, text(' |')), ...indent(this.bodyLines(body, closeLine)), ...text(close, closeLine)];
  }

  // ---- output ----

  /** Lines to text, with each trailing comment appended to the line that holds its source line. */
  private render(block: Block): string {
    const lines = collapseBlanks(block);
    const rendered = lines.map((l) => ({ ...l, comments: [] as string[], below: [] as string[] }));
    const targets = this.trailing.map((c) => rendered.findIndex((l) => l.from !== 0 && l.from <= c.line && c.line <= l.to));
    const sharing = (t: number) => targets.filter((x) => x === t).length;
    // OPA's delayBeforeEnd: a comment on the line that opens a collection written one row a line
    // goes after the first row. Where that row has a comment of its own, OPA gives up formatting the
    // collection (it prints its source text); the comment stays on the opening line here.
    // Later comments move first, so that an earlier one sees where they went (one run is enough).
    for (let i = targets.length - 1; i >= 0; i--) {
      const t = targets[i]!;
      let to = t;
      while (to >= 0 && rendered[to]!.opens && rendered[to + 1] && rendered[to + 1]!.from !== 0 && !targets.includes(to + 1)) to++;
      if (to !== t && sharing(t) === 1) targets[i] = to;
    }
    const orphans: string[] = [];
    this.trailing.forEach((c, i) => {
      const target = rendered[targets[i]!];
      if (!target) orphans.push(c.text);
      // Two comments from source lines printed as one (OPA fails on these): the later one goes on a
      // line of its own below, where formatting the output again leaves it, in the same order.
      else if (target.comments.length > 0) target.below.push(c.text);
      else target.comments.push(c.text);
    });
    const out: string[] = [];
    let pending: { indent: number; texts: string[] } | undefined;
    for (const l of rendered) {
      const body = l.text === '' && l.comments.length === 0 ? '' : '\t'.repeat(l.indent) + l.text;
      if (pending && body !== '') {
        const level = Math.max(pending.indent, l.indent);
        out.push(...pending.texts.map((t) => '\t'.repeat(level) + t));
        pending = undefined;
      }
      out.push([body, ...l.comments].filter((x) => x !== '').join(' '));
      if (l.below.length > 0) pending = { indent: l.indent, texts: [...(pending?.texts ?? []), ...l.below] };
    }
    // Comments that lost their line (rare: code moved onto another line) are kept at the end.
    const leftover = [...(pending?.texts ?? []), ...orphans, ...this.leading.map((c) => c.text)];
    if (leftover.length > 0) out.push('', ...leftover);
    return `${out.join('\n').replace(/\n+$/, '')}\n`;
  }

}

/** A copy located on `line` at no token, so that no source layout (split brackets, raw strings) applies. */
function unlocated(node: unknown, line: number): unknown {
  if (Array.isArray(node)) return node.map((x) => unlocated(x, line));
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'loc' ? { ...(v as Location), line, col: -1 } : unlocated(v, line);
  return out;
}

/** Template strings are printed from their source text, which a chained head does not point to. */
function containsTemplate(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(containsTemplate);
  if (node === null || typeof node !== 'object') return false;
  if ((node as { type?: unknown }).type === 'templatestring') return true;
  return Object.entries(node).some(([k, v]) => k !== 'loc' && containsTemplate(v));
}

/**
 * OPA's writeRules keeps two rules together, with no blank line, when both have at most one body
 * expression, neither is a default, and the second starts on the row after the first.
 */
function grouped(previous: Rule, next: Rule): boolean {
  const groupable = (r: Rule) => !r.default && r.body.length <= 1;
  return groupable(previous) && groupable(next) && next.loc.line === previous.loc.line + 1;
}

function commentLine(c: Comment): Line {
  return { indent: 0, text: c.text, from: 0, to: 0 };
}

function joinWith(blocks: Block[], separator: string): Block[] {
  return blocks.flatMap((b, i) => (i === 0 ? [b] : [text(separator), b]));
}

/** No blank line at the start, none doubled, none right after an opening or before a closing line. */
function collapseBlanks(block: Block): Block {
  const out: Block = [];
  for (const line of block) {
    const isBlank = line.text === '' && line.from === 0;
    const previous = out[out.length - 1];
    if (isBlank && (!previous || (previous.text === '' && previous.from === 0))) continue;
    out.push(line);
  }
  while (out.length > 0 && out[out.length - 1]!.text === '' && out[out.length - 1]!.from === 0) out.pop();
  return out;
}

function compareImports(a: Import, b: Import): number {
  const pa = refText(a.path);
  const pb = refText(b.path);
  if (pa !== pb) return pa < pb ? -1 : 1;
  return (a.alias ?? '') < (b.alias ?? '') ? -1 : (a.alias ?? '') > (b.alias ?? '') ? 1 : 0;
}

function refText(ref: RefTerm): string {
  return ref.terms.map((t) => (t.type === 'var' ? t.name : t.type === 'string' ? t.value : '')).join('.');
}
