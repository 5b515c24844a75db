/** The composition root: `createGateway(config)` wires store, audit, identity, pairing and HTTP. */
export { createGateway, type Gateway, type GatewayOptions } from './gateway.js';
export type { GatewayDeps, GatewayExtension, ExtensionParts } from './extension.js';
export { resolveRuntime, type Runtime } from './runtime.js';
