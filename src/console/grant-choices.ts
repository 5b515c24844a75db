import { GatewayError } from '../errors/index.js';
import type { ToolKind } from '../identity/index.js';
import type { ConsoleDeps } from './deps.js';
import type { GrantChoices } from './views/grant-form.js';

/** What the grant editor offers: the grants service's catalogue (Tasker's projects, the tool contracts). */
export async function grantChoices(deps: ConsoleDeps): Promise<GrantChoices> {
  const catalogue = deps.gateway.identity.grants.catalogue;
  if (!catalogue) throw new GatewayError('service_unavailable', 'The grant editor needs the Tasker stage, which is not running.');
  const registry = deps.decision().registry;
  const tools = registry
    .list()
    .filter((c) => c['x-gateway'].handler !== 'gateway')
    .map((c) => ({ name: c.name, kind: c['x-gateway'].kind as ToolKind, title: c.title }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const projects = (await catalogue.projects()).sort((a, b) => a.identifier.localeCompare(b.identifier));
  return { workspace: catalogue.workspace, projects, tools };
}
