/**
 * Generates docs/MCP_TOOLS_CONTRACT.md from schemas/tools/*.json. `--check` exits 1 when the file
 * is stale instead of writing it (a test does the same comparison).
 *
 *   npm run docs:tools            # rewrite the document
 *   npm run docs:tools -- --check # fail when it is out of date
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ContractRegistry, type JsonSchema, type ToolContract } from '../src/contracts/index.js';
import { PACKAGE_ROOT } from '../src/paths.js';

export const TOOLS_DOC_PATH = join(PACKAGE_ROOT, 'docs', 'MCP_TOOLS_CONTRACT.md');

const INTRO = `# MCP tools contract

Generated from \`schemas/tools/*.json\` by \`npm run docs:tools\`; do not edit by hand (a test fails
when this file is stale). The JSON files are the contract: MCP \`tools/list\` serves their
\`inputSchema\`/\`outputSchema\` as they are, and the REST routes and OpenAPI document are generated
from the same files.

Conventions shared by the tools:

- **Workspace**: always the one this gateway is configured for.
- **Projects** are named by identifier (\`PROJ\`, the prefix of human ids) or UUID.
- **Work items** are named by human id (\`PROJ-12\`) or by UUID together with \`project\`.
- **Writes** accept \`idempotency_key\`: reuse it when retrying the same write; a second call with
  the same key and arguments returns the first result without writing again.
- **Attribution**: Tasker objects created by the gateway carry \`external_source:
  nodedc-agent-gateway\`; descriptions and comments end with "via agent <name> for <owner email>".
- **REST**: routes live under \`/api/v1\`; \`{name}\` segments are the argument of that name, other
  arguments go in the query string (GET, DELETE) or the JSON body (POST, PATCH).
- **Resource**: the pointers say where the policy input's \`resource\` comes from (first present
  pointer wins; a human id under \`project\` gives its identifier).
`;

function typeOf(schema: JsonSchema): string {
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as JsonSchema[]).map(typeOf).join(' | ');
  if (Array.isArray(schema.enum)) return (schema.enum as unknown[]).map((v) => `\`${JSON.stringify(v)}\``).join(' | ');
  if ('const' in schema) return `\`${JSON.stringify(schema.const)}\``;
  if (schema.type === 'array') return `${typeOf((schema.items ?? {}) as JsonSchema)}[]`;
  if (typeof schema.$ref === 'string') return schema.$ref.replace('#/$defs/', '');
  const base = String(schema.type ?? 'any');
  return typeof schema.format === 'string' ? `${base} (${schema.format})` : base;
}

function constraintsOf(schema: JsonSchema): string {
  const parts: string[] = [];
  for (const key of ['minLength', 'maxLength', 'minimum', 'maximum', 'minItems', 'maxItems', 'default']) {
    if (key in schema) parts.push(`${key} ${JSON.stringify(schema[key])}`);
  }
  if (typeof schema.pattern === 'string') parts.push(`pattern \`${schema.pattern}\``);
  return parts.join(', ');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function argumentsTable(contract: ToolContract): string {
  const properties = (contract.inputSchema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((contract.inputSchema.required ?? []) as string[]);
  const names = Object.keys(properties);
  if (names.length === 0) return '_No arguments._\n';
  const rows = names.map((name) => {
    const s = properties[name]!;
    const desc = [typeof s.description === 'string' ? s.description : '', constraintsOf(s)].filter(Boolean).join(' ');
    return `| \`${name}\` | ${cell(typeOf(s))} | ${required.has(name) ? 'yes' : ''} | ${cell(desc)} |`;
  });
  return ['| Argument | Type | Required | Notes |', '|---|---|---|---|', ...rows, ''].join('\n');
}

function outputList(contract: ToolContract): string {
  const properties = (contract.outputSchema.properties ?? {}) as Record<string, JsonSchema>;
  return Object.entries(properties).map(([name, s]) => `\`${name}\`: ${typeOf(s)}`).join('; ');
}

function extraRules(contract: ToolContract): string {
  const s = contract.inputSchema;
  const rules: string[] = [];
  if (s.if) rules.push('a work item UUID requires `project`');
  if (Array.isArray(s.anyOf)) rules.push(`at least one of ${(s.anyOf as JsonSchema[]).map((b) => `\`${(b.required as string[])[0]}\``).join(', ')}`);
  if (Array.isArray(s.oneOf)) rules.push(`exactly one of ${(s.oneOf as JsonSchema[]).map((b) => `\`${(b.required as string[])[0]}\``).join(', ')}`);
  return rules.length ? `Rules: ${rules.join('; ')}.\n\n` : '';
}

function section(contract: ToolContract): string {
  const x = contract['x-gateway'];
  const a = contract.annotations;
  const resource = (Object.entries(x.resource) as [string, string[] | undefined][]).map(([part, pointers]) => `${part} from ${(pointers ?? []).map((p: string) => `\`${p}\``).join(', ')}`);
  return [
    `## \`${contract.name}\`: ${contract.title}`,
    '',
    contract.description,
    '',
    `- Kind: **${x.kind}**; handled by ${x.handler === 'tasker' ? `the Tasker adapter (\`${x.operation}\`)` : `the gateway (\`${x.operation}\`)`}`,
    `- REST: \`${x.rest.method} /api/v1${x.rest.path}\`${x.rest.success_status === 201 ? ', answers 201 Created' : ''}`,
    `- Annotations: readOnly ${a.readOnlyHint}, destructive ${a.destructiveHint}, idempotent ${a.idempotentHint}, openWorld ${a.openWorldHint}`,
    `- Resource: ${resource.length ? resource.join('; ') : 'workspace only'}`,
    '',
    argumentsTable(contract),
    extraRules(contract) + `Returns: ${outputList(contract)}.`,
    '',
    'Examples:',
    '',
    ...contract.examples.map((e) => `    ${JSON.stringify(e)}`),
    '',
  ].join('\n');
}

/** GitHub's anchor for the heading "`name`: Title". */
function anchorOf(contract: ToolContract): string {
  return `${contract.name}-${contract.title.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-')}`;
}

export function renderToolsDoc(registry: ContractRegistry = ContractRegistry.load()): string {
  const contracts = registry.list();
  const index = [
    '| Tool | Kind | REST route | Title |',
    '|---|---|---|---|',
    ...contracts.map((c) => `| [\`${c.name}\`](#${anchorOf(c)}) | ${c['x-gateway'].kind} | \`${c['x-gateway'].rest.method} ${c['x-gateway'].rest.path}\` | ${c.title} |`),
    '',
  ].join('\n');
  return [INTRO, `## Tools (${contracts.length})`, '', index, ...contracts.map(section)].join('\n');
}

function main(argv: string[]): number {
  const rendered = renderToolsDoc();
  if (argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(TOOLS_DOC_PATH, 'utf8');
    } catch {
      // a missing file is stale too
    }
    if (current === rendered) return 0;
    process.stderr.write(`${TOOLS_DOC_PATH} is stale; run npm run docs:tools\n`);
    return 1;
  }
  writeFileSync(TOOLS_DOC_PATH, rendered);
  process.stdout.write(`wrote ${TOOLS_DOC_PATH}\n`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}
