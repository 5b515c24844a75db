import type { EntitySchema } from '@mikro-orm/core';
import type { RequestHandler } from 'express';
import type { HttpDeps, MountedRouter, ReadinessCheck } from '../http/index.js';

/** The foundation's services, handed to every extension at start. */
export interface GatewayDeps extends HttpDeps {
  /** Express middleware that authenticates an agent bearer token into `res.locals.auth` (see `authOf`). */
  authenticateAgent: RequestHandler;
}

/** What an extension adds to the running gateway. */
export interface ExtensionParts {
  /** Mounted in order, after the foundation's routes and before the 404 handler. */
  routers?: MountedRouter[];
  /** Mounted before the JSON body guard and parser: routers that read their own bodies (the console's forms). */
  pageRouters?: MountedRouter[];
  /** The agent front doors, mounted ahead of everything else (see HttpAppOptions.agentRouters). */
  agentRouters?: MountedRouter[];
  /** Conditions `/readyz` also requires (e.g. "policy bundle loaded"). */
  readiness?: ReadinessCheck[];
  /** Merged into `/api/v1/meta/capabilities`. */
  capabilities?: Record<string, unknown>;
  /** Called at shutdown, in reverse order of setup, before the database closes. */
  close?: () => Promise<void>;
}

/**
 * A later stage (policy engine, Tasker sandbox and adapter, MCP, agent REST) plugged into the
 * gateway. `entities` are registered with the ORM; `setup` runs once the foundation is up.
 */
export interface GatewayExtension {
  name: string;
  entities?: EntitySchema<any>[];
  setup(deps: GatewayDeps): Promise<ExtensionParts> | ExtensionParts;
}
