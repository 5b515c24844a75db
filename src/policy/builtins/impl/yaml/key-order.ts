/**
 * The order go-yaml v2 writes map keys in (sorter.go keyList.Less), for the string keys of a JSON
 * object: not byte order but a "natural" one. At the first differing rune, a letter sorts after
 * anything else, two letters by code point, and otherwise the runs of digits starting there compare
 * as numbers ("a2" < "a10"), then by run length, then by rune.
 */
import { notExact } from '../../value.js';

const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;

/**
 * Code points whose letter/digit class Go's tables (Unicode 15.0) and this runtime's may not share:
 * blocks that gained letters or digits after 15.0. A comparison decided by one stops instead.
 */
function classMayDiffer(cp: number): boolean {
  return cp >= 0x10000 || (cp >= 0x1c80 && cp <= 0x1c8f) || (cp >= 0xa7c0 && cp <= 0xa7ff) || (cp >= 0x0870 && cp <= 0x089f);
}

function isLetter(cp: number): boolean {
  if (cp < 0x80) return (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);
  if (classMayDiffer(cp)) notExact('yaml.marshal', `ordering an object key by the character U+${cp.toString(16).toUpperCase()}`);
  return LETTER.test(String.fromCodePoint(cp));
}

function isDigit(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x30 && cp <= 0x39;
  if (classMayDiffer(cp)) notExact('yaml.marshal', `ordering an object key by the character U+${cp.toString(16).toUpperCase()}`);
  return DIGIT.test(String.fromCodePoint(cp));
}

const wrap = (n: bigint): bigint => BigInt.asIntN(64, n);

/** keyList.Less for two string keys, as code point arrays. */
export function goKeyLess(ar: readonly number[], br: readonly number[]): boolean {
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]! < br[i]!;
    if (al || bl) return bl;
    return digitRunLess(ar, br, i);
  }
  return ar.length < br.length;
}

/** The digit-run comparison at the first differing rune i (Go's int64 arithmetic, wrapping). */
function digitRunLess(ar: readonly number[], br: readonly number[], i: number): boolean {
  let an = 0n;
  let bn = 0n;
  if (ar[i] === 0x30 || br[i] === 0x30) {
    for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) {
      if (ar[j] !== 0x30) {
        an = 1n;
        bn = 1n;
        break;
      }
    }
  }
  let ai = i;
  for (; ai < ar.length && isDigit(ar[ai]!); ai++) an = wrap(an * 10n + BigInt(ar[ai]! - 0x30));
  let bi = i;
  for (; bi < br.length && isDigit(br[bi]!); bi++) bn = wrap(bn * 10n + BigInt(br[bi]! - 0x30));
  if (an !== bn) return an < bn;
  if (ai !== bi) return ai < bi;
  return ar[i]! < br[i]!;
}

/** Above this many keys the order's consistency check (quadratic) is not run: the call stops. */
const MAX_CHECKED_KEYS = 2000;

/**
 * The keys in go-yaml's order. Go sorts with sort.Sort, whose result for an order that is not a
 * strict total one depends on its algorithm; so the order found is checked to be one (every pair
 * agrees), else the call stops.
 */
export function goSortedKeys(keys: readonly string[]): string[] {
  if (keys.length > MAX_CHECKED_KEYS) notExact('yaml.marshal', `an object of more than ${MAX_CHECKED_KEYS} keys`);
  const runes = new Map(keys.map((k) => [k, Array.from(k, (ch) => ch.codePointAt(0)!)]));
  const sorted = [...keys].sort((a, b) => (goKeyLess(runes.get(a)!, runes.get(b)!) ? -1 : goKeyLess(runes.get(b)!, runes.get(a)!) ? 1 : 0));
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length; j++) {
      const x = runes.get(sorted[i]!)!;
      const y = runes.get(sorted[j]!)!;
      if (!goKeyLess(x, y) || goKeyLess(y, x)) notExact('yaml.marshal', 'object keys that go-yaml orders inconsistently');
    }
  }
  return sorted;
}
