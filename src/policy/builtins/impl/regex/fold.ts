/**
 * Case-folding orbits (the sets of code points equal under Unicode simple case folding), which Go's
 * (?i) uses (unicode.SimpleFold). They are read from this runtime once: candidates are linked by
 * toLowerCase/toUpperCase, then each link is confirmed by the runtime's /iu matcher (which folds by
 * the same Unicode CaseFolding.txt simple mappings).
 */

export type Range = readonly [number, number];

/** Go's minFold and maxFold: no code point outside takes part in folding. */
const MIN_FOLD = 0x41;
const MAX_FOLD = 0x1e943;

let table: Map<number, number[]> | undefined;
let members: number[] | undefined;

function single(s: string): number | undefined {
  const cp = s.codePointAt(0);
  return cp !== undefined && String.fromCodePoint(cp).length === s.length ? cp : undefined;
}

function sameUnderFold(a: number, b: number): boolean {
  return new RegExp(`^\\u{${a.toString(16)}}$`, 'iu').test(String.fromCodePoint(b));
}

function build(): Map<number, number[]> {
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let r = x;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
    return r;
  };
  const link = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (!parent.has(ra)) parent.set(ra, ra);
    if (!parent.has(rb)) parent.set(rb, rb);
    if (ra !== rb) parent.set(ra, rb);
  };
  for (let cp = MIN_FOLD; cp <= MAX_FOLD; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const s = String.fromCodePoint(cp);
    for (const other of [single(s.toLowerCase()), single(s.toUpperCase())]) {
      if (other !== undefined && other !== cp && sameUnderFold(cp, other)) link(cp, other);
    }
  }
  const groups = new Map<number, number[]>();
  for (const cp of parent.keys()) {
    const root = find(cp);
    const g = groups.get(root) ?? [];
    g.push(cp);
    groups.set(root, g);
  }
  const out = new Map<number, number[]>();
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    g.sort((a, b) => a - b);
    for (const cp of g) out.set(cp, g);
  }
  return out;
}

function orbits(): Map<number, number[]> {
  table ??= build();
  return table;
}

/** The code points equal to cp under simple case folding, cp included, ascending. */
export function orbit(cp: number): number[] {
  return orbits().get(cp) ?? [cp];
}

/** Every code point with a non-trivial orbit, ascending. */
function foldingMembers(): number[] {
  members ??= [...orbits().keys()].sort((a, b) => a - b);
  return members;
}

/** Sorts and merges ranges (Go's cleanClass). */
export function clean(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

/** The ranges plus every code point that folds to one of their members (Go's appendFoldedRange). */
export function foldClosure(ranges: Range[]): Range[] {
  const out: Range[] = [...ranges];
  const inRanges = (cp: number): boolean => ranges.some(([lo, hi]) => lo <= cp && cp <= hi);
  for (const cp of foldingMembers()) {
    if (inRanges(cp)) for (const o of orbit(cp)) out.push([o, o]);
  }
  return clean(out);
}
