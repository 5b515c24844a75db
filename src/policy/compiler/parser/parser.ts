import { CompileError } from '../ast/errors.js';
import { callTerm, operatorRef, refName, refTerm, stringTerm, varTerm } from '../ast/terms.js';
import type {
  Body, CallTerm, Comment, Expr, Import, Location, Module, Package, RefTerm, Rule, RuleHead, Term, VarTerm, With,
} from '../ast/types.js';
import { Lexer, type Token } from './lexer.js';

/** Words that cannot be variables in Rego v1 (all future keywords are always on). */
const KEYWORDS = new Set([
  'package', 'import', 'as', 'default', 'else', 'not', 'some', 'every', 'in', 'if', 'contains', 'with',
  'true', 'false', 'null',
]);

const RELATION_OPS: Record<string, string> = { '==': 'equal', '!=': 'neq', '<': 'lt', '>': 'gt', '<=': 'lte', '>=': 'gte' };
const ARITH_OPS: Record<string, string> = { '+': 'plus', '-': 'minus' };
const FACTOR_OPS: Record<string, string> = { '*': 'mul', '/': 'div', '%': 'rem' };

const MEMBER_2 = 'internal.member_2';
const MEMBER_3 = 'internal.member_3';

/** Recursive-descent parser for Rego v1 following OPA's grammar and precedence. */
/** Experimental OPA keywords enabled by `import future.keywords.and|or|not` in a module. */
interface LogicKeywords {
  and: boolean;
  or: boolean;
  not: boolean;
}

/** Operands of `and` / `or` / `not` before they are lowered to set comprehensions. */
type LogicNode =
  | { kind: 'expr'; expr: Expr }
  | { kind: 'body'; body: Body; loc: Location }
  | { kind: 'and' | 'or'; left: LogicNode; right: LogicNode; loc: Location }
  | { kind: 'not'; node: LogicNode; loc: Location }
  | { kind: 'group'; node: LogicNode; with: With[]; loc: Location };

export class Parser {
  private readonly tokens: Token[];
  private readonly comments: Comment[];
  private pos = 0;
  private logic: LogicKeywords = { and: false, or: false, not: false };
  /** parseTerm's results by start position (see there); nothing else the parser keeps changes a term's reading. */
  private readonly termsAt = new Map<number, { term: Term; end: number } | { error: CompileError }>();

  constructor(src: string, private readonly file: string, base?: { line: number; col: number }) {
    const lexer = new Lexer(src, file, base);
    this.tokens = lexer.tokenize();
    this.comments = lexer.comments;
  }

  // ---- token helpers ----

  private get tok(): Token {
    return this.tokens[this.pos]!;
  }

  private peek(k = 1): Token {
    return this.tokens[Math.min(this.pos + k, this.tokens.length - 1)]!;
  }

  private advance(): Token {
    const t = this.tok;
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  private isOp(op: string, t: Token = this.tok): boolean {
    return t.kind === 'op' && t.text === op;
  }

  private isWord(word: string, t: Token = this.tok): boolean {
    return t.kind === 'ident' && t.text === word;
  }

  private fail(message: string, loc: Location = this.tok.loc): never {
    throw new CompileError([{ code: 'rego_parse_error', message, loc }]);
  }

  private describe(t: Token): string {
    if (t.kind === 'eof') return 'unexpected eof token';
    if (t.kind === 'ident') return KEYWORDS.has(t.text) ? `unexpected ${t.text} keyword` : `unexpected ident token`;
    if (t.kind === 'op') return `unexpected ${t.text} token`;
    return `unexpected ${t.kind} token`;
  }

  private expectOp(op: string, context?: string): Token {
    if (!this.isOp(op)) this.fail(`${this.describe(this.tok)}: expected ${op}${context ? ` ${context}` : ''}`);
    return this.advance();
  }

  private expectWord(word: string): Token {
    if (!this.isWord(word)) this.fail(`${this.describe(this.tok)}: expected ${word}`);
    return this.advance();
  }

  expectEof(): void {
    if (this.tok.kind !== 'eof') this.fail(this.describe(this.tok));
  }

  // ---- module ----

  parseModule(): Module {
    if (!this.isWord('package')) this.fail('package expected');
    const pkg = this.parsePackage();
    const imports: Import[] = [];
    while (this.isWord('import')) imports.push(this.parseImport());
    const rules: Rule[] = [];
    while (this.tok.kind !== 'eof') {
      if (this.isWord('package') && !this.keywordHead()) this.fail('unexpected package keyword: a module holds one package');
      if (this.isWord('import') && !this.keywordHead()) this.fail('unexpected import keyword: imports must come before rules');
      rules.push(...this.parseRules());
    }
    return { file: this.file, package: pkg, imports, rules, comments: this.comments };
  }

  private parsePackage(): Package {
    const loc = this.advance().loc;
    const ref = this.parsePlainRef('package');
    const [head, ...rest] = ref.terms;
    if (head!.type !== 'var') this.fail('package name must be a ref', ref.loc);
    for (const t of rest) {
      if (t.type !== 'string') this.fail('package name must only contain string operands', t.loc);
    }
    const path = refTerm([varTerm('data', ref.loc), stringTerm(head!.name, head!.loc), ...rest], ref.loc);
    return { loc, path };
  }

  private parseImport(): Import {
    const loc = this.advance().loc;
    const path = this.parsePlainRef('import');
    const root = path.terms[0]!;
    if (root.type !== 'var' || !['data', 'input', 'future', 'rego'].includes(root.name)) {
      this.fail('unexpected import path, must begin with one of: {data, input, future, rego}', path.loc);
    }
    const name = refName(path);
    if (name === 'future.keywords.and') this.logic.and = true;
    if (name === 'future.keywords.or') this.logic.or = true;
    if (name === 'future.keywords.not') this.logic.not = true;
    const imp: Import = { loc, path };
    if (this.isWord('as')) {
      this.advance();
      const alias = this.tok;
      if (alias.kind !== 'ident' || KEYWORDS.has(alias.text)) this.fail(`${this.describe(alias)}: expected var`);
      this.advance();
      imp.alias = alias.text;
    }
    return imp;
  }

  /** `a.b["c"]` with only dots and brackets (package and import paths). */
  private parsePlainRef(what: string): RefTerm {
    const first = this.tok;
    if (first.kind !== 'ident') this.fail(`${this.describe(first)}: expected ${what} path`);
    this.advance();
    const terms: Term[] = [varTerm(first.text, first.loc)];
    for (;;) {
      if (this.isOp('.') && !this.tok.spaceBefore) {
        this.advance();
        const name = this.tok;
        if (name.kind !== 'ident') this.fail(`${this.describe(name)}: expected ident`);
        this.advance();
        terms.push(stringTerm(name.text, name.loc));
      } else if (this.isOp('[') && !this.tok.spaceBefore) {
        this.advance();
        const t = this.parseTermIn(false);
        this.expectOp(']');
        terms.push(t);
      } else {
        return refTerm(terms, first.loc);
      }
    }
  }

  // ---- rules ----

  /**
   * A rule and the bodies chained after it (`p if { a } { b }`, also across lines), which OPA's
   * parseRules reads as further definitions of the same head. A rule that ends in `else` cannot be
   * continued that way; default rules and rules without body never get here with a `{` next.
   */
  private parseRules(): Rule[] {
    const first = this.parseRule();
    const rules = [first];
    while (this.isOp('{') && !first.default) {
      if (first.else) this.fail('expected else keyword');
      const loc = this.tok.loc;
      const body = this.parseBraceBody();
      rules.push({ loc, default: false, head: relocatedHead(first.head, loc), body, file: this.file, chained: true });
    }
    return rules;
  }

  private parseRule(): Rule {
    const start = this.tok;
    const isDefault = this.isWord('default');
    if (isDefault) this.advance();
    if (start.kind !== 'ident' || (KEYWORDS.has(start.text) && !isDefault && !this.keywordHead())) this.fail(`${this.describe(start)}`);
    const { head, hasValue } = this.parseRuleHead(isDefault);
    const rule: Rule = { loc: start.loc, default: isDefault, head, body: [], file: this.file };
    if (isDefault) {
      if ((this.isWord('if') && !this.keywordHead()) || this.isOp('{')) this.fail('default rules must not have a body', this.tok.loc);
      return rule;
    }
    rule.body = this.parseRuleBody(head, hasValue) ?? [];
    if (this.isWord('else') && !this.keywordHead()) {
      if (head.kind === 'set' || head.kind === 'object') this.fail('else keyword cannot be used on multi-value rules or rules with variables in the head', this.tok.loc);
      rule.else = this.parseElse(head);
    }
    return rule;
  }

  /** A keyword may start a rule head when a `.` follows directly (`contains.foo := 1`). */
  private keywordHead(): boolean {
    const next = this.peek();
    return this.isOp('.', next) && !next.spaceBefore;
  }

  private parseRuleHead(isDefault: boolean): { head: RuleHead; hasValue: boolean } {
    const nameTok = this.tok;
    if (nameTok.kind !== 'ident' || (KEYWORDS.has(nameTok.text) && !this.keywordHead())) this.fail(`${this.describe(nameTok)}: expected rule head`);
    const ref = this.parseHeadRef();
    const head: RuleHead = { loc: nameTok.loc, ref, kind: 'complete', assign: false };
    if (this.isOp('(') && !this.tok.spaceBefore) {
      this.advance();
      head.args = this.parseTermList(')');
      head.kind = 'function';
    }
    if (this.isWord('contains')) {
      if (head.args || isDefault) this.fail('unexpected contains keyword', this.tok.loc);
      this.advance();
      head.key = this.parseTermIn(false);
      head.kind = 'set';
      return { head, hasValue: true };
    }
    if (this.isOp(':=') || this.isOp('=')) {
      head.assign = this.advance().text === ':=';
      head.value = this.parseTermIn(false);
    } else if (isDefault) {
      this.fail(`${this.describe(this.tok)}: default rule must have a value (:= or =)`);
    }
    if (head.kind !== 'function' && !ref.terms.slice(1).every(isGroundOperand)) head.kind = 'object';
    const hasValue = head.value !== undefined;
    if (head.value === undefined) head.value = { type: 'boolean', value: true, loc: head.loc };
    return { head, hasValue };
  }

  /** Rule names: `p`, `p.q`, `p[x]`, `a.b[x].c`. */
  private parseHeadRef(): RefTerm {
    const first = this.advance();
    const terms: Term[] = [varTerm(first.text, first.loc)];
    for (;;) {
      if (this.isOp('.') && !this.tok.spaceBefore) {
        this.advance();
        const name = this.tok;
        if (name.kind !== 'ident') this.fail(`${this.describe(name)}: expected ident`);
        this.advance();
        terms.push(stringTerm(name.text, name.loc));
      } else if (this.isOp('[') && !this.tok.spaceBefore) {
        this.advance();
        terms.push(this.parseTermIn(false));
        this.expectOp(']');
      } else {
        return refTerm(terms, first.loc);
      }
    }
  }

  /** Body after the head: `if { ... }`, `if <literal>`, or nothing (undefined). */
  private parseRuleBody(head: RuleHead, hasValue: boolean): Body | undefined {
    if (this.isWord('if') && !this.keywordHead()) {
      this.advance();
      return this.parseIfBody();
    }
    if (this.isOp('{')) this.fail('`if` keyword is required before rule body');
    if (!hasValue && head.kind !== 'set') this.fail('rule must have a value assignment or a body', head.loc);
    return undefined;
  }

  /** After `if`: a `{ body }` block, or a single literal (which may itself start with `{`). */
  private parseIfBody(): Body {
    if (!this.isOp('{')) return [this.parseLiteral()];
    if (this.isOp('}', this.peek())) this.fail('found empty body', this.peek().loc);
    const save = this.pos;
    try {
      return this.parseBraceBody();
    } catch (bodyError) {
      this.pos = save;
      const literal = this.tryParse(() => this.parseLiteral());
      if (literal === undefined) throw bodyError;
      return [literal];
    }
  }

  private parseBraceBody(): Body {
    this.expectOp('{');
    const body = this.parseQueryUntil('}');
    this.expectOp('}');
    return body;
  }

  private parseElse(head: RuleHead): Rule {
    const loc = this.advance().loc;
    const elseHead: RuleHead = { ...head, loc, value: { type: 'boolean', value: true, loc }, assign: false };
    if (this.isOp(':=') || this.isOp('=')) {
      elseHead.assign = this.advance().text === ':=';
      elseHead.value = this.parseTermIn(false);
    }
    const rule: Rule = { loc, default: false, head: elseHead, body: [], file: this.file };
    if (this.isWord('if') && !this.keywordHead()) {
      this.advance();
      rule.body = this.parseIfBody();
    } else if (this.isOp('{')) {
      this.fail('`if` keyword is required before rule body');
    }
    if (this.isWord('else') && !this.keywordHead()) rule.else = this.parseElse(head);
    return rule;
  }

  // ---- queries ----

  /** Literals separated by `;` or newlines until the closing token (not consumed). */
  parseQueryUntil(close: '}' | ']' | 'eof'): Body {
    const body: Body = [];
    const atEnd = (): boolean => (close === 'eof' ? this.tok.kind === 'eof' : this.isOp(close));
    if (atEnd()) this.fail(close === 'eof' ? 'empty query' : 'found empty body', this.tok.loc);
    for (;;) {
      body.push(this.parseLiteral());
      if (this.isOp(';')) {
        this.advance();
        if (atEnd()) return body;
        continue;
      }
      if (atEnd()) return body;
      if (this.tok.kind === 'eof') this.fail(`unexpected eof token: expected \\n or ; or ${close}`);
      if (this.tok.newlineBefore) continue;
      this.fail(`${this.describe(this.tok)}: expected \\n or ; or ${close === 'eof' ? 'end of query' : close}`);
    }
  }

  parseLiteral(): Expr {
    if (this.logic.and || this.logic.or || this.logic.not) return this.parseLogicLiteral();
    return this.parsePlainLiteral();
  }

  private parsePlainLiteral(): Expr {
    const start = this.tok;
    if (this.keywordRefAhead()) return this.parseExpr();
    if (this.isWord('not')) {
      this.advance();
      if (this.isWord('some') || this.isWord('every') || this.isWord('not')) this.fail(`${this.describe(this.tok)}: not cannot negate ${this.tok.text}`);
      const expr = this.parseExpr();
      expr.negated = true;
      expr.loc = start.loc;
      return expr;
    }
    if (this.isWord('some')) return this.parseSome();
    if (this.isWord('every')) return this.parseEvery();
    return this.parseExpr();
  }

  /** `every.foo`, `some(x)`: a keyword directly followed by `.` or `(` is a name, not the keyword. */
  private keywordRefAhead(): boolean {
    const next = this.peek();
    return this.tok.kind === 'ident' && (this.isOp('.', next) || this.isOp('(', next)) && !next.spaceBefore;
  }

  // ---- experimental logic keywords (and, or, not-body) ----

  /**
   * With `and`/`or`/`not` imported, a literal is a boolean formula over operands (expressions,
   * `{ bodies }`, `( groups )`). Each operand succeeds at most once and binds nothing outside, so
   * it is lowered to `{true | operand}`; `and`/`or` become set intersection/union and the literal
   * tests `true in <set>`. Trailing `with` modifiers apply to the whole literal.
   */
  private parseLogicLiteral(): Expr {
    if (!this.keywordRefAhead() && (this.isWord('some') || this.isWord('every'))) return this.parsePlainLiteral();
    const loc = this.tok.loc;
    const node = this.parseLogicOr();
    const withs = this.parseWiths();
    const expr = this.logicExpr(node, loc);
    expr.with = [...expr.with, ...withs];
    return expr;
  }

  private parseLogicOr(): LogicNode {
    let left = this.parseLogicAnd();
    while (this.logic.or && this.isWord('or') && !this.keywordHead()) {
      const loc = this.advance().loc;
      left = { kind: 'or', left, right: this.parseLogicAnd(), loc };
    }
    return left;
  }

  private parseLogicAnd(): LogicNode {
    let left = this.parseLogicUnary();
    while (this.logic.and && this.isWord('and') && !this.keywordHead()) {
      const loc = this.advance().loc;
      left = { kind: 'and', left, right: this.parseLogicUnary(), loc };
    }
    return left;
  }

  private parseLogicUnary(): LogicNode {
    const loc = this.tok.loc;
    if (this.isWord('not') && !this.keywordRefAhead()) {
      this.advance();
      if (this.isWord('some') || this.isWord('every')) this.fail(`${this.describe(this.tok)}: not cannot negate ${this.tok.text}`);
      return { kind: 'not', node: this.parseLogicUnary(), loc };
    }
    if (this.isOp('{')) {
      const save = this.pos;
      const body = this.tryParse(() => this.parseBraceBody());
      if (body && this.endsLogicOperand()) return { kind: 'body', body, loc };
      this.pos = save;
    }
    if (this.isOp('(') && (this.logic.and || this.logic.or)) {
      const save = this.pos;
      const expr = this.tryParse(() => this.parseExpr(false));
      if (expr && this.endsLogicOperand()) return { kind: 'expr', expr };
      this.pos = save;
      this.advance();
      const node = this.parseLogicOr();
      const withs = this.parseWiths();
      this.expectOp(')');
      return withs.length > 0 ? { kind: 'group', node, with: withs, loc } : node;
    }
    return { kind: 'expr', expr: this.parseExpr(false) };
  }

  private endsLogicOperand(): boolean {
    const t = this.tok;
    return t.kind === 'eof' || t.newlineBefore || this.isWord('and') || this.isWord('or') || this.isWord('with')
      || this.isOp(')') || this.isOp('}') || this.isOp(']') || this.isOp(';');
  }

  private logicExpr(node: LogicNode, loc: Location): Expr {
    if (node.kind === 'expr') return node.expr;
    if (node.kind === 'not' && node.node.kind === 'expr' && !this.logic.not && !node.node.expr.negated) {
      return { ...node.node.expr, negated: true, loc };
    }
    const set = node.kind === 'not' ? this.logicSet(node.node) : this.logicSet(node);
    const expr: Expr = {
      kind: 'call', loc, negated: node.kind === 'not', with: [], generated: true,
      operator: operatorRef(MEMBER_2, loc), args: [{ type: 'boolean', value: true, loc }, set],
    };
    return expr;
  }

  /** The set `{true}` when the operand succeeds, `set()` otherwise. */
  private logicSet(node: LogicNode): Term {
    const truth = (loc: Location): Term => ({ type: 'boolean', value: true, loc });
    switch (node.kind) {
      case 'expr': return { type: 'setcomprehension', term: truth(node.expr.loc), body: [node.expr], loc: node.expr.loc };
      case 'body': return { type: 'setcomprehension', term: truth(node.loc), body: node.body, loc: node.loc };
      case 'and': case 'or': return callTerm(node.kind, [this.logicSet(node.left), this.logicSet(node.right)], node.loc);
      case 'not': return { type: 'setcomprehension', term: truth(node.loc), body: [this.logicExpr(node, node.loc)], loc: node.loc };
      case 'group': {
        const inner = this.logicExpr(node.node, node.loc);
        inner.with = [...inner.with, ...node.with];
        return { type: 'setcomprehension', term: truth(node.loc), body: [inner], loc: node.loc };
      }
    }
  }

  private parseExpr(withModifiers = true): Expr {
    const loc = this.tok.loc;
    const lhs = this.parseTermIn(true);
    let expr: Expr;
    if (this.isOp(':=') || this.isOp('=')) {
      const op = this.advance();
      const rhs = this.parseTermIn(true);
      expr = { kind: 'call', loc, negated: false, with: [], operator: operatorRef(op.text === ':=' ? 'assign' : 'eq', op.loc), args: [lhs, rhs] };
    } else if (lhs.type === 'call') {
      expr = { kind: 'call', loc, negated: false, with: [], operator: lhs.operator, args: lhs.args };
    } else {
      expr = { kind: 'term', loc, negated: false, with: [], term: lhs };
    }
    if (withModifiers) expr.with = this.parseWiths();
    return expr;
  }

  private parseWiths(): With[] {
    const withs: With[] = [];
    while (this.isWord('with') && !this.keywordHead()) {
      const loc = this.advance().loc;
      const target = this.parseTermIn(false);
      if (target.type !== 'ref' && target.type !== 'var') this.fail('with target must be a reference', target.loc);
      this.expectWord('as');
      const value = this.parseTermIn(false);
      withs.push({ loc, target: target.type === 'var' ? refTerm([target], target.loc) : target, value });
    }
    return withs;
  }

  private parseSome(): Expr {
    const loc = this.advance().loc;
    const save = this.pos;
    const term = this.tryParse(() => this.parseTermIn(true));
    if (term?.type === 'call' && (isCallTo(term, MEMBER_2) || isCallTo(term, MEMBER_3))) {
      const expr: Expr = term.args.length === 3
        ? { kind: 'somein', loc, negated: false, with: [], key: term.args[0]!, value: term.args[1]!, domain: term.args[2]! }
        : { kind: 'somein', loc, negated: false, with: [], value: term.args[0]!, domain: term.args[1]! };
      expr.with = this.parseWiths();
      return expr;
    }
    this.pos = save;
    const vars: VarTerm[] = [];
    for (;;) {
      const t = this.tok;
      if (t.kind !== 'ident' || KEYWORDS.has(t.text)) this.fail(`${this.describe(t)}: expected var`);
      this.advance();
      vars.push(varTerm(t.text, t.loc));
      if (!this.isOp(',')) break;
      this.advance();
    }
    return { kind: 'some', loc, negated: false, with: [], vars };
  }

  private parseEvery(): Expr {
    const loc = this.advance().loc;
    const term = this.parseTermIn(true);
    if (term.type !== 'call' || !(isCallTo(term, MEMBER_2) || isCallTo(term, MEMBER_3))) {
      this.fail('expected `every [key, ]value in domain { ... }`', term.loc);
    }
    const vars = term.args.slice(0, -1);
    for (const v of vars) if (v.type !== 'var') this.fail('every: key and value must be variables', v.loc);
    if (!this.isOp('{')) this.fail(`${this.describe(this.tok)}: expected { after every domain`);
    const body = this.parseBraceBody();
    const domain = term.args[term.args.length - 1]!;
    const expr: Expr = vars.length === 2
      ? { kind: 'every', loc, negated: false, with: [], key: vars[0] as VarTerm, value: vars[1] as VarTerm, domain, body }
      : { kind: 'every', loc, negated: false, with: [], value: vars[0] as VarTerm, domain, body };
    expr.with = this.parseWiths();
    return expr;
  }

  private tryParse<T>(f: () => T): T | undefined {
    const save = this.pos;
    try {
      return f();
    } catch (err) {
      if (!(err instanceof CompileError)) throw err;
      this.pos = save;
      return undefined;
    }
  }

  // ---- terms (precedence: in < relation < | < & < + - < * / % < primary) ----

  parseTermIn(keyVal: boolean): Term {
    let lhs = this.parseRelation();
    if (keyVal && this.isOp(',')) {
      const save = this.pos;
      this.advance();
      const mhs = this.tryParse(() => this.parseRelation());
      if (mhs && this.isInOperator()) {
        const inTok = this.advance();
        const rhs = this.parseRelation();
        lhs = { type: 'call', operator: operatorRef(MEMBER_3, inTok.loc), args: [lhs, mhs, rhs], loc: lhs.loc };
      } else {
        this.pos = save;
      }
    }
    while (this.isInOperator()) {
      const inTok = this.advance();
      const rhs = this.parseRelation();
      lhs = { type: 'call', operator: operatorRef(MEMBER_2, inTok.loc), args: [lhs, rhs], loc: lhs.loc };
    }
    return lhs;
  }

  private isInOperator(): boolean {
    return this.isWord('in') && !this.tok.newlineBefore && !this.keywordHead();
  }

  private parseBinary(ops: Record<string, string>, next: () => Term): Term {
    let lhs = next();
    for (;;) {
      const t = this.tok;
      if (t.kind !== 'op' || !(t.text in ops) || t.newlineBefore) return lhs;
      this.advance();
      const rhs = next();
      lhs = callTerm(ops[t.text]!, [lhs, rhs], lhs.loc);
      (lhs as CallTerm).operator.loc = t.loc;
    }
  }

  private parseRelation(): Term {
    return this.parseBinary(RELATION_OPS, () => this.parseOr());
  }

  private parseOr(): Term {
    return this.parseBinary({ '|': 'or' }, () => this.parseAnd());
  }

  private parseAnd(): Term {
    return this.parseBinary({ '&': 'and' }, () => this.parseArith());
  }

  private parseArith(): Term {
    return this.parseBinary(ARITH_OPS, () => this.parseFactor());
  }

  private parseFactor(): Term {
    return this.parseBinary(FACTOR_OPS, () => this.parseTerm());
  }

  /**
   * A primary term with its ref/call suffixes. Remembered by position: an array, set or object is
   * first read as a possible comprehension head and then read again as items, so without this each
   * level of nesting doubled the work (`[[[...]]]` 20 deep took a third of a second, 30 deep
   * minutes: a policy, or a `rego.parse_module` argument, could stall the parser).
   */
  parseTerm(): Term {
    const start = this.pos;
    const known = this.termsAt.get(start);
    if (known !== undefined) {
      if ('error' in known) throw known.error;
      this.pos = known.end;
      return known.term;
    }
    try {
      const term = this.parseTermOnce();
      this.termsAt.set(start, { term, end: this.pos });
      return term;
    } catch (err) {
      if (err instanceof CompileError) this.termsAt.set(start, { error: err });
      throw err;
    }
  }

  private parseTermOnce(): Term {
    let term = this.parsePrimary();
    for (;;) {
      if (this.tok.spaceBefore) return term;
      if (this.isOp('.')) {
        this.advance();
        const name = this.tok;
        if (name.kind !== 'ident') this.fail(`${this.describe(name)}: expected ident after .`);
        this.advance();
        term = appendOperand(term, stringTerm(name.text, name.loc));
      } else if (this.isOp('[')) {
        this.advance();
        const key = this.parseTermIn(false);
        this.expectOp(']');
        term = appendOperand(term, key);
      } else if (this.isOp('(')) {
        if (term.type !== 'var' && !(term.type === 'ref' && term.terms[0]!.type === 'var')) return term;
        this.advance();
        const args = this.parseTermList(')');
        const operator = term.type === 'var' ? refTerm([term], term.loc) : term;
        if (refName(operator) === 'set' && args.length === 0) {
          term = { type: 'set', items: [], loc: term.loc };
        } else {
          term = { type: 'call', operator, args, loc: term.loc };
        }
      } else {
        return term;
      }
    }
  }

  private parsePrimary(): Term {
    const t = this.tok;
    switch (t.kind) {
      case 'number':
        this.advance();
        return { type: 'number', text: t.text, loc: t.loc };
      case 'string':
      case 'rawstring':
        this.advance();
        return { type: 'string', value: t.value!, loc: t.loc };
      case 'template':
        this.advance();
        return this.parseTemplate(t);
      case 'ident':
        return this.parseIdentTerm();
      case 'op':
        return this.parseOpTerm();
      case 'eof':
        return this.fail(this.describe(t));
    }
  }

  private parseIdentTerm(): Term {
    if (KEYWORDS.has(this.tok.text) && this.keywordHead()) {
      const t = this.advance();
      return varTerm(t.text, t.loc);
    }
    const t = this.advance();
    if (t.text === 'true' || t.text === 'false') return { type: 'boolean', value: t.text === 'true', loc: t.loc };
    if (t.text === 'null') return { type: 'null', loc: t.loc };
    if (KEYWORDS.has(t.text) && !this.startsRefOrCall()) this.fail(this.describe(t), t.loc);
    return varTerm(t.text, t.loc);
  }

  /** A keyword directly followed by `.` or `(` names a ref or call (`contains.foo`, `contains(s, t)`). */
  private startsRefOrCall(): boolean {
    return (this.isOp('.') || this.isOp('(')) && !this.tok.spaceBefore;
  }

  private parseOpTerm(): Term {
    const t = this.tok;
    if (t.text === '-' && this.peek().kind === 'number' && !this.peek().spaceBefore) {
      this.advance();
      const n = this.advance();
      return { type: 'number', text: `-${n.text}`, loc: t.loc };
    }
    if (t.text === '(') {
      this.advance();
      const inner = this.parseTermIn(true);
      this.expectOp(')');
      return inner;
    }
    if (t.text === '[') return this.parseArray();
    if (t.text === '{') return this.parseSetOrObject();
    return this.fail(this.describe(t));
  }

  private parseTermList(close: string): Term[] {
    const items: Term[] = [];
    if (this.isOp(close)) {
      this.advance();
      return items;
    }
    for (;;) {
      items.push(this.parseTermIn(false));
      if (this.isOp(',')) {
        this.advance();
        if (this.isOp(close)) break;
        continue;
      }
      break;
    }
    this.expectOp(close);
    return items;
  }

  private parseArray(): Term {
    const loc = this.advance().loc;
    if (this.isOp(']')) {
      this.advance();
      return { type: 'array', items: [], loc };
    }
    const save = this.pos;
    const head = this.tryParse(() => this.parseTerm());
    if (head && this.isOp('|')) {
      this.advance();
      const body = this.parseQueryUntil(']');
      this.expectOp(']');
      return { type: 'arraycomprehension', term: head, body, loc };
    }
    this.pos = save;
    return { type: 'array', items: this.parseTermList(']'), loc };
  }

  private parseSetOrObject(): Term {
    const loc = this.advance().loc;
    if (this.isOp('}')) {
      this.advance();
      return { type: 'object', entries: [], loc };
    }
    const save = this.pos;
    const head = this.tryParse(() => this.parseTerm());
    if (head && this.isOp('|')) {
      this.advance();
      const body = this.parseQueryUntil('}');
      this.expectOp('}');
      return { type: 'setcomprehension', term: head, body, loc };
    }
    if (head && this.isOp(':')) {
      this.advance();
      const value = this.tryParse(() => this.parseTerm());
      if (value && this.isOp('|')) {
        this.advance();
        const body = this.parseQueryUntil('}');
        this.expectOp('}');
        return { type: 'objectcomprehension', key: head, value, body, loc };
      }
    }
    this.pos = save;
    const first = this.parseTermIn(false);
    if (this.isOp(':')) return this.parseObjectRest(first, loc);
    const items = [first];
    while (this.isOp(',')) {
      this.advance();
      if (this.isOp('}')) break;
      items.push(this.parseTermIn(false));
    }
    this.expectOp('}');
    return { type: 'set', items, loc };
  }

  private parseObjectRest(firstKey: Term, loc: Location): Term {
    const entries: Array<[Term, Term]> = [];
    let key = firstKey;
    for (;;) {
      this.expectOp(':');
      entries.push([key, this.parseTermIn(false)]);
      if (!this.isOp(',')) break;
      this.advance();
      if (this.isOp('}')) break;
      key = this.parseTermIn(false);
    }
    this.expectOp('}');
    return { type: 'object', entries, loc };
  }

  // ---- template strings ----

  private parseTemplate(t: Token): Term {
    const raw = t.raw === true;
    const text = t.text;
    const parts: Array<string | Expr> = [];
    let literal = '';
    let i = 2;
    const end = text.length - 1;
    while (i < end) {
      const c = text[i]!;
      if (c === '\\') {
        const e = text[i + 1]!;
        if (e === '{') {
          literal += '{';
          i += 2;
          continue;
        }
        if (raw) {
          literal += c;
          i++;
          continue;
        }
        const len = e === 'u' ? 6 : 2;
        literal += JSON.parse(`"${text.slice(i, i + len)}"`) as string;
        i += len;
        continue;
      }
      if (c === '{') {
        const close = matchBrace(text, i);
        if (literal) parts.push(literal);
        literal = '';
        parts.push(this.parseEmbedded(text.slice(i + 1, close), locationIn(t.loc, text, i + 1)));
        i = close + 1;
        continue;
      }
      literal += c;
      i++;
    }
    if (literal || parts.length === 0) parts.push(literal);
    return { type: 'templatestring', parts, loc: t.loc };
  }

  private parseEmbedded(src: string, loc: Location): Expr {
    if (src.trim() === '') this.fail('empty template expression', loc);
    const sub = new Parser(src, this.file, { line: loc.line, col: loc.col });
    const expr = sub.parseLiteral();
    sub.expectEof();
    if (expr.kind === 'some' || expr.kind === 'somein' || expr.kind === 'every' || expr.negated) {
      this.fail('template expressions must be plain expressions', loc);
    }
    return expr;
  }
}

/** Index of the `}` closing the `{` at `open`, skipping strings and nested templates. */
function matchBrace(text: string, open: number): number {
  let depth = 0;
  let i = open;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' || c === '`') {
      i = skipQuoted(text, i, c);
      continue;
    }
    if (c === '{') depth++;
    if (c === '}' && --depth === 0) return i;
    i++;
  }
  return text.length - 1;
}

function skipQuoted(text: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < text.length && text[i] !== quote) {
    if (text[i] === '\\' && quote === '"') i++;
    else if (text[i] === '{' && text[start - 1] === '$') {
      i = matchBrace(text, i);
    }
    i++;
  }
  return i + 1;
}

function locationIn(base: Location, text: string, offset: number): Location {
  let line = base.line;
  let col = base.col;
  for (let i = 0; i < offset; i++) {
    if (text[i] === '\n') {
      line++;
      col = 1;
    } else {
      col++;
    }
  }
  return { file: base.file, line, col };
}

function isCallTo(t: CallTerm, name: string): boolean {
  return refName(t.operator) === name;
}

function isGroundOperand(t: Term): boolean {
  return t.type === 'string' || t.type === 'number' || t.type === 'boolean' || t.type === 'null';
}

function appendOperand(term: Term, operand: Term): RefTerm {
  if (term.type === 'ref') return refTerm([...term.terms, operand], term.loc);
  return refTerm([term, operand], term.loc);
}

/**
 * The head of a chained body: a copy of the first rule's head with every node located at the
 * body's `{` (OPA: Head.Copy then setLocRecursive). A value the parser generated stays marked as
 * such by sharing the head's location object.
 */
function relocatedHead(head: RuleHead, loc: Location): RuleHead {
  const generated = head.value !== undefined && head.value.loc === head.loc;
  const copy = relocate(head, loc) as RuleHead;
  if (copy.value !== undefined) copy.value.loc = generated ? copy.loc : { ...loc };
  return copy;
}

function relocate(node: unknown, loc: Location): unknown {
  if (Array.isArray(node)) return node.map((x) => relocate(x, loc));
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'loc' ? { ...loc } : relocate(v, loc);
  return out;
}
