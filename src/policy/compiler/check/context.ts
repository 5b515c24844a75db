import type { Diagnostic, DiagnosticCode } from '../ast/errors.js';
import type { Location, RefTerm } from '../ast/types.js';

/** Lookup of built-ins by name (the catalogue in src/policy/builtins satisfies it). */
export interface BuiltinCatalogue {
  lookupBuiltin(name: string): { name: string; arity: number; variadic?: boolean } | undefined;
}

/** Collects diagnostics and generates fresh variable names for one compilation. */
export class CheckContext {
  readonly diagnostics: Diagnostic[] = [];
  private counter = 0;
  /** Generated name -> name in source, for messages. */
  readonly sourceNames = new Map<string, string>();
  /** Generated names standing for `_`. */
  readonly wildcards = new Set<string>();

  constructor(readonly builtins: BuiltinCatalogue, private readonly prefix = '__local') {}

  error(code: DiagnosticCode, message: string, loc: Location): void {
    this.diagnostics.push({ code, message, loc });
  }

  wildcard(): string {
    const name = this.fresh();
    this.wildcards.add(name);
    return name;
  }

  fresh(sourceName?: string): string {
    const name = `${this.prefix}${this.counter++}__`;
    if (sourceName !== undefined) this.sourceNames.set(name, sourceName);
    return name;
  }

  displayName(name: string): string {
    return this.sourceNames.get(name) ?? name;
  }

  withPrefix(prefix: string): CheckContext {
    const ctx = new CheckContext(this.builtins, prefix);
    (ctx as { diagnostics: Diagnostic[] }).diagnostics = this.diagnostics;
    (ctx as { sourceNames: Map<string, string> }).sourceNames = this.sourceNames;
    (ctx as { wildcards: Set<string> }).wildcards = this.wildcards;
    return ctx;
  }
}

/** Names visible in a package: rule names and import aliases, each mapped to an absolute ref. */
export type Globals = Map<string, RefTerm>;
