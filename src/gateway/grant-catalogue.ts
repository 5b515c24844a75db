import type { ContractRegistry } from '../contracts/index.js';
import type { GrantCatalogue, ToolKind } from '../identity/index.js';
import type { TaskerAdapter } from '../tasker/index.js';

/**
 * What a grant may name on this gateway: the adapter's workspace, the projects Tasker lists
 * (archived ones too, so a grant on an archived project is not refused), every tool contract.
 */
export function taskerGrantCatalogue(adapter: TaskerAdapter, registry: ContractRegistry): GrantCatalogue {
  const tools = new Map<string, ToolKind>(registry.list().map((c) => [c.name, c['x-gateway'].kind as ToolKind]));
  return {
    workspace: adapter.workspace,
    tools,
    async projects() {
      const { projects } = await adapter.listProjects({ include_archived: true });
      return projects.map((p) => ({ id: p.id, identifier: p.identifier, name: p.name }));
    },
  };
}
