/**
 * A small path router with Django's strictness: every route ends in `/`, path parameters are
 * `{name}` (one segment), `{name:uuid}` (a lower-case UUID, as Django's `<uuid:>` converter) or
 * `{name:human}` (`IDENT-SEQ`). A path that matches nothing is Django's 404.
 */
import type { Access } from './auth.js';
import type { Reply } from './http-io.js';
import type { User } from './model.js';
import type { PageOptions } from './pagination.js';
import type { SandboxStore } from './store.js';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface RouteContext {
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  user: User;
  store: SandboxStore;
  pages: PageOptions;
}

export type Handler = (ctx: RouteContext) => Reply;

export interface RouteDef {
  path: string;
  access: Access;
  handlers: Partial<Record<Method, Handler>>;
}

export interface CompiledRoute extends RouteDef {
  regex: RegExp;
  names: string[];
}

const PARAM_PATTERNS: Record<string, string> = {
  '': '[^/]+',
  uuid: '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}',
  human: '[^/]+-[^/]+',
};

export function compileRoute(def: RouteDef): CompiledRoute {
  const names: string[] = [];
  const source = def.path.replace(/\{(\w+)(?::(\w+))?\}|[.*+?^$()|[\]\\]/g, (token, name?: string, kind?: string) => {
    if (!name) return `\\${token}`;
    names.push(name);
    const pattern = PARAM_PATTERNS[kind ?? ''];
    if (pattern === undefined) throw new Error(`tasker sandbox: unknown parameter kind '${kind}' in ${def.path}`);
    return `(${pattern})`;
  });
  return { ...def, regex: new RegExp(`^/api/v1${source}$`), names };
}

export interface RouteMatch {
  route: CompiledRoute;
  params: Record<string, string>;
}

export function matchRoute(routes: CompiledRoute[], path: string): RouteMatch | undefined {
  for (const route of routes) {
    const m = route.regex.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    try {
      route.names.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1]!);
      });
    } catch {
      return undefined;
    }
    return { route, params };
  }
  return undefined;
}
