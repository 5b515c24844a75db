import type { FieldError } from '../errors/index.js';

/**
 * Bounds on the arguments of a call, checked before anything else reads them (ajv, the policy
 * input, the audit digest, the decision log), so a hostile shape costs a bounded walk and is
 * refused with the pointer of the first offending place. The tool contracts nest at most four
 * levels and take a few dozen arguments; these bounds are far above any honest call and far below
 * what exhausts a stack or a batch. Documented in docs/FRONT_DOORS.md.
 */
export const ARGUMENT_LIMITS = {
  /** Objects and arrays nested inside the arguments object (which is depth 1). */
  maxDepth: 32,
  /** Object keys plus array items, over the whole value. */
  maxMembers: 5_000,
  /** UTF-16 code units of every key and string, over the whole value. */
  maxTextLength: 262_144,
  /** UTF-16 code units of one object key. */
  maxKeyLength: 256,
} as const;

export type ArgumentLimits = { readonly [K in keyof typeof ARGUMENT_LIMITS]: number };

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why a string cannot travel on: PostgreSQL text and jsonb refuse U+0000 (Tasker's database too),
 * and an unpaired surrogate is not Unicode text (no UTF-8 form; JSON canonicalisation refuses it).
 */
export function unstorableText(s: string): string | undefined {
  if (s.includes('\u0000')) return 'contains the character U+0000, which cannot be stored';
  if (LONE_SURROGATE.test(s)) return 'contains an unpaired UTF-16 surrogate, which is not Unicode text';
  return undefined;
}

function pointerToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

class Walk {
  members = 0;
  text = 0;
  constructor(private readonly limits: ArgumentLimits) {}

  /** The first problem at or under `pointer`, or undefined. Stops at the first one. */
  check(value: unknown, pointer: string, depth: number): FieldError | undefined {
    if (typeof value === 'string') return this.checkText(value, pointer);
    if (typeof value === 'number') return Number.isFinite(value) ? undefined : { pointer, message: 'must be a finite number' };
    if (value === null || typeof value !== 'object') return undefined;
    if (depth > this.limits.maxDepth) return { pointer, message: `is nested deeper than ${this.limits.maxDepth} levels` };
    return Array.isArray(value) ? this.checkArray(value, pointer, depth) : this.checkObject(value as Record<string, unknown>, pointer, depth);
  }

  private checkText(s: string, pointer: string): FieldError | undefined {
    this.text += s.length;
    if (this.text > this.limits.maxTextLength) return { pointer, message: `takes the arguments over ${this.limits.maxTextLength} characters of text` };
    const unstorable = unstorableText(s);
    return unstorable ? { pointer, message: unstorable } : undefined;
  }

  private countMember(pointer: string): FieldError | undefined {
    this.members += 1;
    return this.members > this.limits.maxMembers ? { pointer, message: `takes the arguments over ${this.limits.maxMembers} keys and items` } : undefined;
  }

  private checkArray(items: unknown[], pointer: string, depth: number): FieldError | undefined {
    for (let i = 0; i < items.length; i += 1) {
      const at = `${pointer}/${i}`;
      const problem = this.countMember(at) ?? this.check(items[i], at, depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }

  private checkObject(object: Record<string, unknown>, pointer: string, depth: number): FieldError | undefined {
    for (const key of Object.keys(object)) {
      if (key.length > this.limits.maxKeyLength) return { pointer, message: `has a key longer than ${this.limits.maxKeyLength} characters` };
      const at = `${pointer}/${pointerToken(key)}`;
      const problem = this.countMember(at) ?? this.checkText(key, at) ?? this.check(object[key], at, depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
}

/**
 * The first place where `args` break a limit or hold a value that cannot be stored or forwarded
 * (U+0000, an unpaired surrogate, a non-finite number such as JSON's `1e999`), as a field error
 * naming its JSON pointer; undefined when the arguments are fine. The walk stops at the first
 * problem, so its cost is bounded by the limits whatever the caller sent.
 */
export function argumentProblem(args: unknown, limits: ArgumentLimits = ARGUMENT_LIMITS): FieldError | undefined {
  return new Walk(limits).check(args, '', 1);
}
