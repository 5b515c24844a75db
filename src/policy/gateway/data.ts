import type { GrantIndex } from './grant-index.js';
import type { ToolCatalogue } from './types.js';

/** The base document `data` the gateway policy reads. */
export interface GatewayPolicyData {
  catalog: { tools: ToolCatalogue };
  grant_index?: GrantIndex;
}

export function gatewayPolicyData(tools: ToolCatalogue, grantIndex?: GrantIndex): GatewayPolicyData {
  return grantIndex ? { catalog: { tools }, grant_index: grantIndex } : { catalog: { tools } };
}
