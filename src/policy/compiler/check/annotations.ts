/**
 * OPA's METADATA annotations: a block of `#` comments whose first line starts with `METADATA`,
 * continued by comments at column 1 on the following lines, holds YAML that annotates the first
 * package or rule after it (ast/parser.go and ast/annotations.go in OPA). Each block becomes an
 * `Annotation` with OPA's fields, attached to its node with its scope.
 *
 * OPA reads the YAML with Go's yaml.v2 (YAML 1.1). Where that reading could differ from the
 * YAML 1.2 this file parses with (`yes`, `0x1F`, `1_000`, timestamps, tags, anchors, merge keys),
 * and for `schemas` (which also drive OPA's type checking), the block is refused at its
 * file:line:col instead of yielding a value OPA would not give.
 */
import YAML, { isAlias, isMap, isScalar, isSeq, type Node as YamlNode } from 'yaml';
import type { Comment, Location, Module, Rule, Value } from '../ast/types.js';
import type { CheckContext } from './context.js';

export type AnnotationScope = 'rule' | 'document' | 'package' | 'subpackages';

export interface Annotation {
  scope: AnnotationScope;
  /** The annotation as OPA's `Annotations.toObject` renders it (only fields that are set). */
  value: { [key: string]: Value };
  /** Where the block's `# METADATA` line is. */
  loc: Location;
  /** The node it annotates. */
  target: { kind: 'package' } | { kind: 'rule'; rule: Rule };
  module: Module;
}

const SCOPES: readonly string[] = ['rule', 'document', 'package', 'subpackages'];

/** Signals a block this engine refuses (or OPA rejects); reported at the block's location. */
class AnnotationError extends Error {
  constructor(readonly code: 'rego_parse_error' | 'rego_unsupported_error', message: string) {
    super(message);
  }
}

function refuse(message: string): never {
  throw new AnnotationError('rego_unsupported_error', `unsupported METADATA annotation: ${message}`);
}

/** Every annotation of the module, attached to its package or rule. */
export function moduleAnnotations(ctx: CheckContext, module: Module): Annotation[] {
  const out: Annotation[] = [];
  for (const block of metadataBlocks(module.comments ?? [])) {
    try {
      const a = readBlock(block, module);
      if (a) out.push(a);
    } catch (err) {
      if (!(err instanceof AnnotationError)) throw err;
      ctx.error(err.code, err.message, block.loc);
    }
  }
  return out;
}

interface Block {
  loc: Location;
  lines: string[];
}

/** As OPA's parseAnnotations: a METADATA line opens a block; comments at column 1 on the next lines continue it. */
function metadataBlocks(comments: Comment[]): Block[] {
  const blocks: Block[] = [];
  let current: Block | undefined;
  for (const [i, c] of comments.entries()) {
    if (current && c.loc.line === comments[i - 1]!.loc.line + 1 && c.loc.col === 1) {
      current.lines.push(c.text.startsWith(' ') ? c.text.slice(1) : c.text);
      continue;
    }
    current = undefined;
    if (c.text.trim().startsWith('METADATA')) {
      current = { loc: c.loc, lines: [] };
      blocks.push(current);
    }
  }
  return blocks;
}

function readBlock(block: Block, module: Module): Annotation | undefined {
  const text = block.lines.map((l) => `${l}\n`).join('');
  if (text.trim() === '') throw new AnnotationError('rego_parse_error', 'expected METADATA block, found whitespace');
  const fields = parseFields(text);
  const target = attachTarget(block.loc, module);
  const scope = fields.scope ?? (target?.kind === 'rule' ? 'rule' : target?.kind === 'package' ? 'package' : '');
  if (!SCOPES.includes(scope)) {
    throw new AnnotationError('rego_parse_error', `invalid annotation scope '${scope}'. Use one of 'rule', 'document', 'package', or 'subpackages'`);
  }
  const wants = scope === 'rule' || scope === 'document' ? 'rule' : 'package';
  if (!target || target.kind !== wants) {
    throw new AnnotationError('rego_parse_error', `annotation scope '${scope}' must be applied to ${wants}`);
  }
  if (fields.value.entrypoint === true && scope !== 'rule' && scope !== 'package') {
    throw new AnnotationError('rego_parse_error', `annotation entrypoint applied to non-rule or package scope '${scope}'`);
  }
  return { scope: scope as AnnotationScope, value: { scope, ...fields.value }, loc: block.loc, target, module };
}

/** The first package, import or rule starting on a line after the block's first line. */
function attachTarget(loc: Location, module: Module): Annotation['target'] | { kind: 'import' } | undefined {
  if (module.package.loc.line > loc.line) return { kind: 'package' };
  if (module.imports.some((i) => i.loc.line > loc.line)) return { kind: 'import' };
  const rule = module.rules.find((r) => r.loc.line > loc.line);
  return rule ? { kind: 'rule', rule } : undefined;
}

interface Fields {
  scope?: string;
  value: { [key: string]: Value };
}

function parseFields(text: string): Fields {
  const doc = YAML.parseDocument(text, { version: '1.2', uniqueKeys: true });
  if (doc.errors.length > 0) throw new AnnotationError('rego_parse_error', `invalid METADATA block: ${doc.errors[0]!.message.split('\n')[0]}`);
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null && root.source === '')) return { value: {} };
  if (!isMap(root)) throw new AnnotationError('rego_parse_error', 'invalid METADATA block: not a map of fields');
  checkNode(root);
  const out: Fields = { value: {} };
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? pair.key.value : undefined;
    if (typeof key !== 'string') continue;
    const node = pair.value as YamlNode | null;
    const v = node === null ? null : plain(node);
    if (v === null) continue;
    readField(out, key, v);
  }
  return out;
}

function readField(out: Fields, key: string, v: Value): void {
  switch (key) {
    case 'scope': out.scope = asText(v, 'scope'); return;
    case 'title': case 'description': {
      const s = asText(v, key);
      if (s !== '') out.value[key] = s;
      return;
    }
    case 'entrypoint':
      if (typeof v !== 'boolean') refuse('entrypoint must be true or false');
      if (v) out.value.entrypoint = true;
      return;
    case 'organizations': {
      const list = asList(v, key).map((o) => asText(o, 'organizations'));
      if (list.length > 0) out.value.organizations = list;
      return;
    }
    case 'authors': {
      const list = asList(v, key).map(author);
      if (list.length > 0) out.value.authors = list;
      return;
    }
    case 'related_resources': {
      const list = asList(v, key).map(relatedResource);
      if (list.length > 0) out.value.related_resources = list;
      return;
    }
    case 'schemas': return refuse('schemas (they also drive the type checker, which regoc does not run)');
    case 'custom':
      if (!isPlainObject(v)) refuse('custom must be a map');
      if (Object.keys(v).length > 0) out.value.custom = v;
      return;
    default: return;
  }
}

function asText(v: Value, what: string): string {
  if (typeof v !== 'string') refuse(`${what} must be a string`);
  return v;
}

function asList(v: Value, what: string): Value[] {
  if (!Array.isArray(v)) refuse(`${what} must be a list`);
  return v;
}

function isPlainObject(v: Value): v is { [key: string]: Value } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !('__set' in v);
}

/** Go's unicode.IsSpace, which strings.Fields splits on. */
const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u;

/** OPA's parseAuthor: "Name <email>" strings, or maps with name and/or email. */
function author(v: Value): Value {
  if (typeof v === 'string') {
    const parts = v.split(GO_SPACE).filter((p) => p !== '');
    if (parts.length === 0) throw new AnnotationError('rego_parse_error', 'author is an empty string');
    const last = parts[parts.length - 1]!;
    let email = '';
    if (last.length >= 2 && last.startsWith('<') && last.endsWith('>')) {
      email = last.slice(1, -1);
      parts.pop();
    }
    return authorObject(parts.join(' '), email);
  }
  if (!isPlainObject(v)) refuse('an author must be a string or a map');
  if (Object.keys(v).some((k) => k !== 'name' && k !== 'email')) refuse('an author map holds only name and email');
  const name = v.name === undefined ? '' : exactText(v.name, 'author name');
  const email = v.email === undefined ? '' : exactText(v.email, 'author email');
  return authorObject(name, email);
}

function authorObject(name: string, email: string): Value {
  if (name === '' && email === '') refuse('an author needs a name or an email');
  const out: { [key: string]: Value } = {};
  if (name !== '') out.name = name;
  if (email !== '') out.email = email;
  return out;
}

/** A string OPA would not trim differently: no surrounding whitespace. */
function exactText(v: Value, what: string): string {
  if (typeof v !== 'string' || v.trim() !== v) refuse(`${what} must be a string without surrounding whitespace`);
  return v;
}

/** URLs Go's url.Parse and URL.String give back unchanged. */
const SIMPLE_URL = /^https?:\/\/[A-Za-z0-9.-]+(:[0-9]+)?(\/[A-Za-z0-9._~\/-]*)?$/;

/** OPA's parseRelatedResource: a URL string, or a map with `ref` and an optional description. */
function relatedResource(v: Value): Value {
  const ref = (s: string): string => {
    if (!SIMPLE_URL.test(s)) refuse(`related resource ${JSON.stringify(s)} (only plain http(s) URLs are read exactly as OPA does)`);
    return s;
  };
  if (typeof v === 'string') return { ref: ref(v) };
  if (!isPlainObject(v)) refuse('a related resource must be a string or a map');
  if (Object.keys(v).some((k) => k !== 'ref' && k !== 'description')) refuse('a related resource map holds only ref and description');
  const out: { [key: string]: Value } = { ref: ref(exactText(v.ref ?? '', 'related resource ref')) };
  const description = v.description === undefined ? '' : exactText(v.description, 'related resource description');
  if (description !== '') out.description = description;
  return out;
}

/** Refuses YAML features whose reading by Go's yaml.v2 this engine does not reproduce. */
function checkNode(node: YamlNode | null): void {
  if (node === null) return;
  if (isAlias(node)) refuse('YAML aliases');
  if ((node as { anchor?: string }).anchor) refuse('YAML anchors');
  if ((node as { tag?: string }).tag) refuse('YAML tags');
  if (isMap(node)) {
    for (const pair of node.items) {
      checkNode(pair.key as YamlNode | null);
      checkNode(pair.value as YamlNode | null);
      if (isScalar(pair.key) && pair.key.value === '<<') refuse('YAML merge keys');
    }
  } else if (isSeq(node)) {
    for (const item of node.items) checkNode(item as YamlNode | null);
  }
}

const INTEGER = /^-?(0|[1-9][0-9]*)$/;
/** Decimals Go's FormatFloat('g') prints without an exponent: at least 1e-4 and below 1e6. */
const DECIMAL = /^-?(0|[1-9][0-9]{0,5})\.[0-9]{1,12}$/;
const YAML11_WORDS = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;

/** The value of a checked node, as yaml.v2 and then OPA's InterfaceToValue would give it. */
function plain(node: YamlNode): Value {
  if (isMap(node)) {
    const out: { [key: string]: Value } = {};
    for (const pair of node.items) {
      const key = pair.key === null ? null : plain(pair.key as YamlNode);
      if (typeof key !== 'string') refuse('map keys must be strings');
      out[key] = pair.value === null ? null : plain(pair.value as YamlNode);
    }
    return out;
  }
  if (isSeq(node)) return node.items.map((item) => (item === null ? null : plain(item as YamlNode)));
  if (!isScalar(node)) refuse('an unknown YAML node');
  if (node.type !== 'PLAIN') {
    if (typeof node.value !== 'string') refuse('a quoted scalar that is not a string');
    return node.value;
  }
  const src = node.source ?? String(node.value);
  if (src === '' || /^(null|Null|NULL|~)$/.test(src)) return null;
  if (/^(true|True|TRUE)$/.test(src)) return true;
  if (/^(false|False|FALSE)$/.test(src)) return false;
  if (INTEGER.test(src)) {
    if (!Number.isSafeInteger(Number(src))) refuse(`integer ${src} beyond 2^53`);
    return Number(src);
  }
  if (DECIMAL.test(src) && !/^-?0\.0000/.test(src) && !(src.startsWith('-') && Number(src) === 0)) return Number(src);
  if (/^[-+.0-9]/.test(src) || YAML11_WORDS.test(src) || src === '=' || src === '<<') refuse(`plain scalar ${JSON.stringify(src)} (YAML 1.1 may read it as a number, boolean or timestamp); quote it`);
  if (typeof node.value !== 'string') refuse(`plain scalar ${JSON.stringify(src)}`);
  return node.value;
}
