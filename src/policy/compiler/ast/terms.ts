import type {
  Body, CallTerm, Expr, Location, RefTerm, RegoSet, StringTerm, Term, Value, VarTerm,
} from './types.js';

export const GENERATED_FILE = '<generated>';

export function varTerm(name: string, loc: Location): VarTerm {
  return { type: 'var', name, loc };
}

export function stringTerm(value: string, loc: Location): StringTerm {
  return { type: 'string', value, loc };
}

export function refTerm(terms: Term[], loc: Location): RefTerm {
  return { type: 'ref', terms, loc };
}

/** An operator ref such as `eq` or `array.concat` built from a dotted name. */
export function operatorRef(name: string, loc: Location): RefTerm {
  const [head, ...rest] = name.split('.');
  return refTerm([varTerm(head!, loc), ...rest.map((s) => stringTerm(s, loc))], loc);
}

export function callTerm(name: string, args: Term[], loc: Location): CallTerm {
  return { type: 'call', operator: operatorRef(name, loc), args, loc };
}

/**
 * Dotted name of a ref whose operands are all strings (`array.concat`, `data.lib.f`);
 * undefined for refs with variable or non-string operands.
 */
export function refName(ref: RefTerm): string | undefined {
  const [head, ...rest] = ref.terms;
  if (head?.type !== 'var') return undefined;
  const parts = [head.name];
  for (const t of rest) {
    if (t.type !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(t.value)) return undefined;
    parts.push(t.value);
  }
  return parts.join('.');
}

/** Rego-ish rendering of a term, used in error messages. */
export function termToString(t: Term): string {
  switch (t.type) {
    case 'null': return 'null';
    case 'boolean': return String(t.value);
    case 'number': return t.text;
    case 'string': return JSON.stringify(t.value);
    case 'var': return t.name;
    case 'ref': return refToString(t);
    case 'array': return `[${t.items.map(termToString).join(', ')}]`;
    case 'set': return t.items.length === 0 ? 'set()' : `{${t.items.map(termToString).join(', ')}}`;
    case 'object': return `{${t.entries.map(([k, v]) => `${termToString(k)}: ${termToString(v)}`).join(', ')}}`;
    case 'call': return `${refToString(t.operator)}(${t.args.map(termToString).join(', ')})`;
    case 'arraycomprehension': return `[${termToString(t.term)} | ${bodyToString(t.body)}]`;
    case 'setcomprehension': return `{${termToString(t.term)} | ${bodyToString(t.body)}}`;
    case 'objectcomprehension': return `{${termToString(t.key)}: ${termToString(t.value)} | ${bodyToString(t.body)}}`;
    case 'templatestring': return '$"..."';
  }
}

export function refToString(ref: RefTerm): string {
  const [head, ...rest] = ref.terms;
  let out = head ? termToString(head) : '';
  for (const t of rest) {
    out += t.type === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(t.value) ? `.${t.value}` : `[${termToString(t)}]`;
  }
  return out;
}

export function exprToString(e: Expr): string {
  const neg = e.negated ? 'not ' : '';
  const withs = e.with.map((w) => ` with ${refToString(w.target)} as ${termToString(w.value)}`).join('');
  switch (e.kind) {
    case 'term': return neg + termToString(e.term) + withs;
    case 'call': return `${neg}${refToString(e.operator)}(${e.args.map(termToString).join(', ')})${withs}`;
    case 'some': return `some ${e.vars.map((v) => v.name).join(', ')}`;
    case 'somein': return `some ${e.key ? `${termToString(e.key)}, ` : ''}${termToString(e.value)} in ${termToString(e.domain)}`;
    case 'every': return `every ${e.key ? `${e.key.name}, ` : ''}${e.value.name} in ${termToString(e.domain)} { ${bodyToString(e.body)} }`;
  }
}

export function bodyToString(body: Body): string {
  return body.map(exprToString).join('; ');
}

export function isScalar(t: Term): boolean {
  return t.type === 'null' || t.type === 'boolean' || t.type === 'number' || t.type === 'string';
}

/** True when the term contains no vars, refs, calls or comprehensions. */
export function isGround(t: Term): boolean {
  switch (t.type) {
    case 'null': case 'boolean': case 'number': case 'string': return true;
    case 'array': case 'set': return t.items.every(isGround);
    case 'object': return t.entries.every(([k, v]) => isGround(k) && isGround(v));
    default: return false;
  }
}

export function makeSet(items: Value[]): RegoSet {
  return { __set: true, items };
}

export function isRegoSet(v: unknown): v is RegoSet {
  return typeof v === 'object' && v !== null && (v as { __set?: unknown }).__set === true;
}

/**
 * Value of a ground term. Numbers become JS numbers (exact text available on the term);
 * object keys that are not strings are rendered as their JSON text, as OPA does in JSON output.
 * Throws on non-ground terms.
 */
export function termToValue(t: Term): Value {
  switch (t.type) {
    case 'null': return null;
    case 'boolean': return t.value;
    case 'number': return Number(t.text);
    case 'string': return t.value;
    case 'array': return t.items.map(termToValue);
    case 'set': return makeSet(dedupe(t.items.map(termToValue)));
    case 'object': {
      const out: { [key: string]: Value } = {};
      for (const [k, v] of t.entries) {
        const key = termToValue(k);
        out[typeof key === 'string' ? key : JSON.stringify(toJSON(key))] = termToValue(v);
      }
      return out;
    }
    default: throw new Error(`term is not ground: ${termToString(t)}`);
  }
}

function dedupe(values: Value[]): Value[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const key = JSON.stringify(toJSON(v));
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Plain JSON form of a value: sets become arrays sorted in OPA's value order, as OPA renders
 * them in JSON.
 */
export function toJSON(v: Value): unknown {
  if (isRegoSet(v)) return [...v.items].sort(compareValues).map(toJSON);
  if (Array.isArray(v)) return v.map(toJSON);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toJSON(x as Value);
    return out;
  }
  return v;
}

const TYPE_ORDER = ['null', 'boolean', 'number', 'string', 'array', 'object', 'set'];

function typeRank(v: Value): number {
  if (v === null) return 0;
  if (isRegoSet(v)) return 6;
  if (Array.isArray(v)) return 4;
  return TYPE_ORDER.indexOf(typeof v === 'object' ? 'object' : typeof v);
}

/** OPA's total order over values: null < booleans < numbers < strings < arrays < objects < sets. */
export function compareValues(a: Value, b: Value): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'boolean' || typeof a === 'number') return Number(a) - Number(b as number);
  if (typeof a === 'string') return a < (b as string) ? -1 : a > (b as string) ? 1 : 0;
  if (Array.isArray(a)) return compareLists(a, b as Value[]);
  if (isRegoSet(a)) return compareLists([...a.items].sort(compareValues), [...(b as RegoSet).items].sort(compareValues));
  if (a === null) return 0;
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b as object).sort();
  for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
    const c = compareValues(ka[i]!, kb[i]!) || compareValues((a as Record<string, Value>)[ka[i]!]!, (b as Record<string, Value>)[kb[i]!]!);
    if (c !== 0) return c;
  }
  return ka.length - kb.length;
}

function compareLists(a: Value[], b: Value[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareValues(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}
