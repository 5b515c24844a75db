import type { EntitySchema } from '@mikro-orm/core';
import type { RequestHandler } from 'express';
import type { AuditLog } from '../audit/index.js';
import type { GatewayConfig } from '../config/index.js';
import type { MountedRouter, ReadinessCheck, RequestValidator } from '../http/index.js';
import type { Identity } from '../identity/index.js';
import type { Logger } from '../log/index.js';
import type { Pairing } from '../pairing/index.js';
import type { Orm } from '../store/index.js';

/** The foundation's services, handed to every extension at start. */
export interface GatewayDeps {
  config: GatewayConfig;
  logger: Logger;
  orm: Orm;
  audit: AuditLog;
  identity: Identity;
  pairing: Pairing;
  validator: RequestValidator;
  /** Express middleware that authenticates an agent bearer token into `res.locals.auth` (see `authOf`). */
  authenticateAgent: RequestHandler;
}

/** What an extension adds to the running gateway. */
export interface ExtensionParts {
  /** Mounted in order, after the foundation's routes and before the 404 handler. */
  routers?: MountedRouter[];
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
