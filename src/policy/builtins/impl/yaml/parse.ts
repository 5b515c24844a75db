/**
 * Reads YAML text into go-yaml v2's node tree (decode.go's parser: scalars with their tag and
 * "implicit" flag, sequences, mappings, aliases bound to the anchor defined before them), using
 * the `yaml` package's parser for the syntax. Where libyaml's syntax and that parser's could part
 * (tabs, directives, explicit `?` keys, collection keys, tags beyond the standard scalar ones,
 * anchors libyaml spells differently, flow scalars holding ':', indentation indicators, folded
 * text with more-indented lines, escapes beyond a common set) the call stops. Only the first
 * document counts, as yaml.Unmarshal reads only that one; a text whose first document the parser
 * rejects is invalid only for the errors libyaml is known to share.
 */
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node as YamlNode } from 'yaml';
import { fail, notExact } from '../../value.js';
import { firstUnreadable } from './reader.js';
import { BINARY_TAG, RESOLVABLE_TAGS } from './resolve.js';

export type GNode =
  | { kind: 'scalar'; value: string; tag: string; implicit: boolean }
  | { kind: 'seq'; children: GNode[] }
  | { kind: 'map'; children: [GNode, GNode][] }
  | { kind: 'alias'; name: string; target: GNode };

/** Text features left to stop on before parsing (see the module comment). */
function precheck(text: string, builtin: string): void {
  const bad = firstUnreadable(text);
  if (bad !== undefined) {
    // The reader may stop before a later document; with no document marker the whole text is read.
    if (/^(---|\.\.\.)/m.test(text)) notExact(builtin, 'a text with a character libyaml refuses after a document marker');
    fail(`${builtin}: yaml: control characters are not allowed`);
  }
  const refusals: [RegExp, string][] = [
    [/\t/, 'a tab character'],
    // Line breaks to libyaml (YAML 1.1), ordinary characters to the YAML 1.2 parser.
    [/[\u0085\u2028\u2029]/, 'U+0085, U+2028 or U+2029'],
    [/\r(?!\n)/, 'a carriage return not followed by a line feed'],
    [/\uFEFF/, 'a byte order mark'],
    [/^%/m, 'a directive'],
    [/(^|[\s,[{])\?(\s|$)/m, 'an explicit "?" key'],
  ];
  for (const [pattern, what] of refusals) if (pattern.test(text)) notExact(builtin, `YAML text with ${what}`);
}

/** Parser errors libyaml is known to report as well, for a first document (else the call stops). */
function isSharedError(code: string, message: string, text: string): boolean {
  // An unclosed quoted scalar, when that quote is the text's only quote character and no comment
  // could hide one (the parser also says this of a quoted scalar continued at a lower indentation,
  // which libyaml accepts).
  const quote = /^Missing closing (["'])quote/.exec(message)?.[1];
  if (code === 'MISSING_CHAR' && quote !== undefined) return [...text].filter((c) => c === '"' || c === "'").length === 1 && !text.includes('#');
  if (code === 'BLOCK_AS_IMPLICIT_KEY' && /^Nested mappings are not allowed in compact mappings/.test(message)) return true;
  if (code === 'BAD_SCALAR_START' && /reserved character [@`]/.test(message)) return true;
  // An unclosed flow collection, when no closing bracket of its kind appears anywhere.
  if (/^Flow map .*end with a \}/.test(message) || /^Flow map must end with a \}/.test(message)) return !text.includes('}');
  if (/^Flow sequence .*end with a \]/.test(message) || /^Flow sequence must end with a \]/.test(message)) return !text.includes(']');
  return false;
}

function firstDocument(text: string, builtin: string): Document.Parsed | undefined {
  const parsed = parseAllDocuments(text, { schema: 'failsafe', uniqueKeys: false, merge: false, keepSourceTokens: true });
  const docs = Array.isArray(parsed) ? parsed : [];
  for (const doc of docs.slice(1)) {
    if (doc.errors.length > 0) notExact(builtin, 'a YAML error after the first document (yaml.Unmarshal may not read it)');
  }
  const first = docs[0];
  if (first === undefined) return undefined;
  const error = first.errors[0];
  if (error !== undefined) {
    if (isSharedError(error.code, error.message, text)) fail(`${builtin}: yaml: ${error.message.split('\n')[0]}`);
    notExact(builtin, `YAML text the parser rejects (${error.code}) without knowing libyaml does`);
  }
  if (first.warnings.some((w) => w.code !== 'TAG_RESOLVE_FAILED')) notExact(builtin, `YAML text with a warning (${first.warnings[0]!.code})`);
  if (first.directives?.yaml.explicit) notExact(builtin, 'a %YAML directive');
  return first;
}

const ANCHOR_NAME = /^[A-Za-z0-9_-]+$/;
/** Escapes libyaml and the parser read alike in double-quoted text. */
const DQ_ESCAPE = /\\(?:[0abtnvfre" \\N_LP]|x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})/g;

class TreeBuilder {
  private readonly anchors = new Map<string, GNode>();

  constructor(private readonly builtin: string) {}

  private refuse(what: string): never {
    return notExact(this.builtin, `YAML text with ${what}`);
  }

  private anchor(node: YamlNode, g: GNode): void {
    const name = (node as { anchor?: string }).anchor;
    if (name === undefined) return;
    if (!ANCHOR_NAME.test(name)) this.refuse(`the anchor name ${JSON.stringify(name)}`);
    this.anchors.set(name, g);
  }

  build(node: unknown, inFlow: boolean): GNode {
    if (node === null || node === undefined) return { kind: 'scalar', value: '', tag: '', implicit: true };
    if (isAlias(node)) {
      if (!ANCHOR_NAME.test(node.source)) this.refuse(`the alias name ${JSON.stringify(node.source)}`);
      const target = this.anchors.get(node.source);
      if (target === undefined) fail(`${this.builtin}: yaml: unknown anchor '${node.source}' referenced`);
      return { kind: 'alias', name: node.source, target };
    }
    if ((node as { tag?: string }).tag !== undefined && !isScalar(node)) this.refuse('a tag on a collection');
    if (isSeq(node)) {
      const g: GNode = { kind: 'seq', children: [] };
      this.anchor(node, g);
      for (const item of node.items) g.children.push(this.build(item, inFlow || node.flow === true));
      return g;
    }
    if (isMap(node)) {
      const g: GNode = { kind: 'map', children: [] };
      this.anchor(node, g);
      const flow = inFlow || node.flow === true;
      for (const pair of node.items) {
        if (isMap(pair.key) || isSeq(pair.key)) this.refuse('a collection as a map key');
        // libyaml drops a simple key 1024 characters long (from its start to the ':'); the parser
        // counts its own way.
        if (isScalar(pair.key) && String(pair.key.value).length > 1000) this.refuse('a map key over 1000 characters');
        g.children.push([this.build(pair.key, flow), this.build(pair.value, flow)]);
      }
      return g;
    }
    if (isScalar(node)) return this.scalar(node, inFlow);
    return this.refuse('a node of an unknown kind');
  }

  private scalar(node: import('yaml').Scalar, inFlow: boolean): GNode {
    const tag = node.tag ?? '';
    if (tag !== '' && !RESOLVABLE_TAGS.has(tag) && tag !== BINARY_TAG) this.refuse(`the tag ${tag}`);
    const source = (node.srcToken as { source?: string } | undefined)?.source ?? '';
    const header = (node.srcToken as { props?: { type: string; source: string }[] } | undefined)?.props?.find((p) => p.type === 'block-scalar-header');
    let value: string;
    switch (node.type) {
      case 'PLAIN':
        value = tag === BINARY_TAG ? this.binarySource(source) : String(node.value);
        if (inFlow && /[:?]|^-$/.test(value)) this.refuse(`the flow scalar ${JSON.stringify(value)}`);
        break;
      case 'QUOTE_DOUBLE':
        if (source.replace(DQ_ESCAPE, '').includes('\\')) this.refuse('a double-quoted escape outside the common set');
        if (/\\u[dD][89a-fA-F]/.test(source)) this.refuse('a surrogate escape');
        value = this.text(node.value);
        break;
      case 'QUOTE_SINGLE':
        value = this.text(node.value);
        break;
      case 'BLOCK_LITERAL':
      case 'BLOCK_FOLDED':
        if (header === undefined || /[0-9]/.test(header.source)) this.refuse('a block scalar indentation indicator');
        if (node.type === 'BLOCK_FOLDED' && /\n[ ]+\S/.test(`\n${dedent(source)}`)) this.refuse('folded text with more-indented lines');
        if (/(^|\n) +(\r?\n|$)/.test(source)) this.refuse('a block scalar line of spaces only');
        value = this.text(node.value);
        break;
      default:
        return this.refuse('a scalar of an unknown style');
    }
    if (tag === BINARY_TAG && node.type !== 'PLAIN') this.refuse('!!binary text that is not plain');
    const g: GNode = { kind: 'scalar', value, tag, implicit: node.type === 'PLAIN' && tag === '' };
    this.anchor(node, g);
    return g;
  }

  private text(v: unknown): string {
    if (typeof v !== 'string') this.refuse('a scalar the parser did not read as text');
    return v;
  }

  /** A !!binary plain scalar's own text (the parser decodes it, leniently). */
  private binarySource(source: string): string {
    if (source.includes('\n') || source === '') this.refuse('multi-line !!binary text');
    return source;
  }
}

/** Block scalar lines without their common indentation. */
function dedent(source: string): string {
  const lines = source.split('\n').filter((l) => l.trim() !== '');
  const indent = Math.min(...lines.map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

/** The first document's root node, or undefined for a text without documents. */
export function parseYaml(text: string, builtin: string): GNode | undefined {
  precheck(text, builtin);
  const doc = firstDocument(text, builtin);
  if (doc === undefined) return undefined;
  return new TreeBuilder(builtin).build(doc.contents, false);
}
