import type { ContractRegistry } from '../contracts/index.js';
import type { ToolCatalogue } from '../policy/index.js';

/**
 * The policy's static tool catalogue, from the tool contracts: each tool's kind, and whether the
 * gateway answers it itself (whoami, explain, get_action_status), which the policy treats as
 * self-service (no grant needed).
 */
export function policyCatalogue(registry: ContractRegistry): ToolCatalogue {
  return Object.fromEntries(
    registry.list().map((c) => [c.name, c['x-gateway'].handler === 'gateway' ? { kind: c['x-gateway'].kind, self_service: true } : { kind: c['x-gateway'].kind }]),
  );
}
