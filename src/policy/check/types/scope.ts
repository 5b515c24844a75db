/**
 * The types of a rule's (or comprehension's) variables, as OPA's TypeEnv keeps them: a nested body
 * sees the variables of the bodies around it, and what it binds stays inside it.
 */
import type { Type } from './type.js';

export class Scope {
  private readonly vars = new Map<string, Type | undefined>();

  constructor(private readonly parent?: Scope) {}

  /** The variable's type; undefined when nothing has bound it yet (Go's nil). */
  get(name: string): Type | undefined {
    if (this.vars.has(name)) return this.vars.get(name);
    return this.parent?.get(name);
  }

  set(name: string, type: Type | undefined): void {
    this.vars.set(name, type);
  }

  child(): Scope {
    return new Scope(this);
  }
}
