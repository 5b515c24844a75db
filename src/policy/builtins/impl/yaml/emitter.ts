/**
 * go-yaml v2.4.0's emitter (emitterc.go), for the documents yaml.Marshal writes from a JSON value:
 * block mappings and sequences, `{}`/`[]` for empty ones, and scalars in the style encode.go asks
 * for (plain, double-quoted, or literal for text with "\n"), downgraded by the emitter's analysis
 * (yaml_emitter_analyze_scalar / select_scalar_style). Defaults as go-yaml sets them: indent 2,
 * line width 80 (plain and quoted scalars fold at spaces past column 80), unicode output, "\n".
 * The functions follow the C-derived originals state for state, so the columns and line breaks
 * come out the same.
 */

export type ScalarStyle = 'plain' | 'single' | 'double' | 'literal';

export type EmitNode =
  | { kind: 'scalar'; value: string; style: ScalarStyle }
  | { kind: 'seq'; items: EmitNode[] }
  | { kind: 'map'; entries: [EmitNode & { kind: 'scalar' }, EmitNode][] };

const BEST_INDENT = 2;
const BEST_WIDTH = 80;

const isSpace = (c: number | undefined): boolean => c === 0x20;
const isBreak = (c: number | undefined): boolean => c === 0x0d || c === 0x0a || c === 0x85 || c === 0x2028 || c === 0x2029;
const isBlankz = (c: number | undefined): boolean => c === undefined || c === 0 || c === 0x20 || c === 0x09 || isBreak(c);

/** is_printable on the character's UTF-8 bytes: astral characters, tab and C1 controls are not. */
export function isPrintable(c: number): boolean {
  return c === 0x0a || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff);
}

const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8');

/** yaml_emitter_analyze_scalar: which styles can hold the value. */
interface ScalarAnalysis {
  multiline: boolean;
  /** Kept as the analysis computes it, though no scalar is written in flow context here. */
  flowPlainAllowed: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

function analyzeScalar(v: readonly number[]): ScalarAnalysis {
  if (v.length === 0) {
    return { multiline: false, flowPlainAllowed: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  }
  let blockIndicators = false;
  let flowIndicators = false;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  if (v.length >= 3 && ((v[0] === 0x2d && v[1] === 0x2d && v[2] === 0x2d) || (v[0] === 0x2e && v[1] === 0x2e && v[2] === 0x2e))) {
    blockIndicators = true;
    flowIndicators = true;
  }
  let precededByWhitespace = true;
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    const followedByWhitespace = i + 1 >= v.length || v[i + 1] === 0x20 || v[i + 1] === 0x09;
    const ch = String.fromCodePoint(c);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) {
        flowIndicators = true;
        blockIndicators = true;
      } else if (ch === '?' || ch === ':') {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      } else if (ch === '-' && followedByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    } else if (',?[]{}'.includes(ch)) {
      flowIndicators = true;
    } else if (ch === ':') {
      flowIndicators = true;
      if (followedByWhitespace) blockIndicators = true;
    } else if (ch === '#' && precededByWhitespace) {
      flowIndicators = true;
      blockIndicators = true;
    }
    if (!isPrintable(c)) special = true;
    if (isSpace(c)) {
      if (i === 0) leadingSpace = true;
      if (i === v.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === v.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlankz(c);
  }
  const a: ScalarAnalysis = { multiline: lineBreaks, flowPlainAllowed: true, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: true };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) a.flowPlainAllowed = a.blockPlainAllowed = false;
  if (trailingSpace) a.blockAllowed = false;
  if (breakSpace) a.flowPlainAllowed = a.blockPlainAllowed = a.singleQuotedAllowed = false;
  if (spaceBreak || special) a.flowPlainAllowed = a.blockPlainAllowed = a.singleQuotedAllowed = a.blockAllowed = false;
  if (lineBreaks) a.flowPlainAllowed = a.blockPlainAllowed = false;
  if (flowIndicators) a.flowPlainAllowed = false;
  if (blockIndicators) a.blockPlainAllowed = false;
  return a;
}

const ESCAPES: ReadonlyMap<number, string> = new Map([
  [0x00, '0'], [0x07, 'a'], [0x08, 'b'], [0x09, 't'], [0x0a, 'n'], [0x0b, 'v'], [0x0c, 'f'], [0x0d, 'r'],
  [0x1b, 'e'], [0x22, '"'], [0x5c, '\\'], [0x85, 'N'], [0xa0, '_'], [0x2028, 'L'], [0x2029, 'P'],
]);

class Emitter {
  private out = '';
  private column = 0;
  private whitespace = true;
  private indention = true;
  private indent = -1;
  private readonly indents: number[] = [];
  // Only empty collections are written in flow style here, so no scalar is ever written at a flow
  // level above 0 and the flow-context branches of select_scalar_style never apply.
  private simpleKeyContext = false;
  private mappingContext = false;

  text(): string {
    return this.out;
  }

  private put(s: string): void {
    this.out += s;
    this.column += 1;
  }

  private putBreak(): void {
    this.out += '\n';
    this.column = 0;
  }

  /** write(): one character, one column. */
  private write(c: number): void {
    this.out += String.fromCodePoint(c);
    this.column++;
  }

  private writeBreak(c: number): void {
    if (c === 0x0a) {
      this.putBreak();
    } else {
      this.write(c);
      this.column = 0;
    }
  }

  private increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }

  private popIndent(): void {
    this.indent = this.indents.pop()!;
  }

  writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    while (this.column < indent) this.put(' ');
    this.whitespace = true;
    this.indention = true;
  }

  private writeIndicator(indicator: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    for (const ch of indicator) this.write(ch.codePointAt(0)!);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  /** yaml_emitter_emit_node with the contexts it sets. */
  node(n: EmitNode, ctx: { sequence?: boolean; mapping?: boolean; simpleKey?: boolean }): void {
    this.mappingContext = ctx.mapping ?? false;
    this.simpleKeyContext = ctx.simpleKey ?? false;
    if (n.kind === 'scalar') this.scalar(n);
    else if (n.kind === 'seq') n.items.length === 0 ? this.emptyFlow('[', ']') : this.blockSequence(n.items);
    else n.entries.length === 0 ? this.emptyFlow('{', '}') : this.blockMapping(n.entries);
  }

  /** An empty collection: emit_flow_sequence_item / emit_flow_mapping_key with the end event first. */
  private emptyFlow(open: string, close: string): void {
    this.writeIndicator(open, true, true, false);
    this.increaseIndent(true, false);
    this.popIndent();
    this.writeIndicator(close, false, false, false);
  }

  private blockSequence(items: EmitNode[]): void {
    this.increaseIndent(false, this.mappingContext && !this.indention);
    for (const item of items) {
      this.writeIndent();
      this.writeIndicator('-', true, false, true);
      this.node(item, { sequence: true });
    }
    this.popIndent();
  }

  private blockMapping(entries: [EmitNode & { kind: 'scalar' }, EmitNode][]): void {
    this.increaseIndent(false, false);
    for (const [key, value] of entries) {
      this.writeIndent();
      if (this.checkSimpleKey(key)) {
        this.node(key, { mapping: true, simpleKey: true });
        this.writeIndicator(':', false, false, false);
      } else {
        this.writeIndicator('?', true, false, true);
        this.node(key, { mapping: true });
        this.writeIndent();
        this.writeIndicator(':', true, false, true);
      }
      this.node(value, { mapping: true });
    }
    this.popIndent();
  }

  private checkSimpleKey(key: { value: string }): boolean {
    const runes = Array.from(key.value, (ch) => ch.codePointAt(0)!);
    return !analyzeScalar(runes).multiline && utf8Length(key.value) <= 128;
  }

  private selectStyle(requested: ScalarStyle, a: ScalarAnalysis, empty: boolean): ScalarStyle {
    let style = requested;
    if (this.simpleKeyContext && a.multiline) style = 'double';
    if (style === 'plain') {
      if (!a.blockPlainAllowed) style = 'single';
      if (empty && this.simpleKeyContext) style = 'single';
    }
    if (style === 'single' && !a.singleQuotedAllowed) style = 'double';
    if (style === 'literal' && (!a.blockAllowed || this.simpleKeyContext)) style = 'double';
    return style;
  }

  private scalar(n: { value: string; style: ScalarStyle }): void {
    const v = Array.from(n.value, (ch) => ch.codePointAt(0)!);
    const style = this.selectStyle(n.style, analyzeScalar(v), v.length === 0);
    this.increaseIndent(true, false);
    const allowBreaks = !this.simpleKeyContext;
    if (style === 'plain') this.plain(v, allowBreaks);
    else if (style === 'single') this.singleQuoted(v, allowBreaks);
    else if (style === 'double') this.doubleQuoted(v, allowBreaks);
    else this.literal(v);
    this.popIndent();
  }

  private plain(v: readonly number[], allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ');
    this.foldableText(v, allowBreaks, false);
    this.whitespace = false;
    this.indention = false;
  }

  private singleQuoted(v: readonly number[], allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    this.foldableText(v, allowBreaks, true);
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  /**
   * The body of a plain or single-quoted scalar, one loop as libyaml's yaml_emitter_write_plain_scalar
   * and yaml_emitter_write_single_quoted both run it: a lone space past the best width becomes a fold,
   * and a first LF is doubled since a single break would read back as a space. The quoted form also
   * keeps its first and last characters unfolded and doubles each quote, as libyaml does there.
   */
  private foldableText(v: readonly number[], allowBreaks: boolean, quoted: boolean): void {
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < v.length; i++) {
      const c = v[i]!;
      if (isSpace(c)) {
        const foldable = !quoted || (i > 0 && i < v.length - 1);
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && foldable && !isSpace(v[i + 1])) this.writeIndent();
        else this.write(c);
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === 0x0a) this.putBreak();
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (quoted && c === 0x27) this.put("'");
        this.write(c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
  }

  private doubleQuoted(v: readonly number[], allowBreaks: boolean): void {
    // is_bom(value, i) looks at the value's first bytes, whatever i is: a value starting with
    // U+FEFF has every character escaped.
    const bomStart = v[0] === 0xfeff;
    let spaces = false;
    this.writeIndicator('"', true, false, false);
    for (let i = 0; i < v.length; i++) {
      const c = v[i]!;
      if (!isPrintable(c) || bomStart || isBreak(c) || c === 0x22 || c === 0x5c) {
        this.escape(c);
        spaces = false;
      } else if (isSpace(c)) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < v.length - 1) {
          this.writeIndent();
          if (isSpace(v[i + 1])) this.put('\\');
        } else {
          this.write(c);
        }
        spaces = true;
      } else {
        this.write(c);
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private escape(c: number): void {
    this.put('\\');
    const named = ESCAPES.get(c);
    if (named !== undefined) {
      this.put(named);
      return;
    }
    const [letter, width] = c <= 0xff ? ['x', 2] : c <= 0xffff ? ['u', 4] : ['U', 8];
    this.put(letter);
    for (const digit of c.toString(16).toUpperCase().padStart(width, '0')) this.put(digit);
  }

  private blockHints(v: readonly number[]): void {
    if (isSpace(v[0]) || isBreak(v[0])) this.writeIndicator(String(BEST_INDENT), false, false, false);
    let chomp = '';
    const last = v.length - 1;
    if (v.length === 0 || !isBreak(v[last])) chomp = '-';
    else if (last === 0 || isBreak(v[last - 1])) chomp = '+';
    if (chomp !== '') this.writeIndicator(chomp, false, false, false);
  }

  private literal(v: readonly number[]): void {
    this.writeIndicator('|', true, false, false);
    this.blockHints(v);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const c of v) {
      if (isBreak(c)) {
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.write(c);
        this.indention = false;
        breaks = false;
      }
    }
  }
}

/** The text yaml.Marshal gives for one document holding `root` (no "---", ending in "\n"). */
export function emitDocument(root: EmitNode): string {
  const e = new Emitter();
  e.node(root, {});
  e.writeIndent(); // document end
  return e.text();
}
