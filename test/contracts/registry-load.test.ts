import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ContractError, ContractRegistry, TOOL_CONTRACTS_DIR } from '../../src/contracts/index.js';

const EXPECTED_TOOLS = [
  'add_comment', 'add_work_item_link', 'add_work_item_to_cycle', 'add_work_item_to_module', 'create_work_item', 'delete_work_item', 'explain',
  'get_action_status', 'get_project', 'get_work_item', 'list_comments', 'list_cycle_work_items', 'list_cycles', 'list_labels', 'list_members',
  'list_module_work_items', 'list_modules', 'list_projects', 'list_states', 'list_sub_work_items', 'list_work_item_activity',
  'list_work_item_links', 'list_work_items', 'remove_work_item_from_cycle', 'remove_work_item_from_module', 'search_work_items',
  'transition_work_item', 'update_work_item', 'whoami',
];

function readContract(name: string): Record<string, any> {
  return JSON.parse(readFileSync(join(TOOL_CONTRACTS_DIR, `${name}.json`), 'utf8'));
}

/** Loads a directory holding one contract after `mutate` has changed it; returns the load error. */
function loadMutated(name: string, mutate: (c: Record<string, any>) => void): ContractError {
  const dir = mkdtempSync(join(tmpdir(), 'contracts-'));
  try {
    const contract = readContract(name);
    mutate(contract);
    writeFileSync(join(dir, `${name}.json`), JSON.stringify(contract));
    ContractRegistry.load(dir);
  } catch (err) {
    return err as ContractError;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  throw new Error('the registry accepted an invalid contract');
}

describe('contract registry: loading', () => {
  const registry = ContractRegistry.load();

  it('loads every tool contract of schemas/tools', () => {
    expect(registry.names()).to.deep.equal(EXPECTED_TOOLS);
  });

  it('classifies tools as read, write or destructive with matching MCP annotations', () => {
    const kinds = Object.fromEntries(registry.list().map((c) => [c.name, c['x-gateway'].kind]));
    expect(kinds.delete_work_item).to.equal('destructive');
    expect(registry.get('delete_work_item').annotations.destructiveHint).to.equal(true);
    for (const name of [
      'create_work_item', 'update_work_item', 'transition_work_item', 'add_comment', 'add_work_item_to_cycle', 'add_work_item_to_module',
      'remove_work_item_from_cycle', 'remove_work_item_from_module', 'add_work_item_link',
    ]) {
      expect(kinds[name], name).to.equal('write');
    }
    for (const contract of registry.list()) {
      expect(contract.annotations.openWorldHint).to.equal(false);
      expect(contract.annotations.readOnlyHint).to.equal(contract['x-gateway'].kind === 'read');
    }
  });

  it('gives every write an optional idempotency_key argument', () => {
    for (const contract of registry.list().filter((c) => c['x-gateway'].kind !== 'read')) {
      const props = contract.inputSchema.properties as Record<string, unknown>;
      expect(props, contract.name).to.have.property('idempotency_key');
      expect(contract.inputSchema.required as string[]).to.not.include('idempotency_key');
    }
  });

  it('answers an unknown tool with not_found', () => {
    expect(() => registry.get('drop_database')).to.throw().with.property('code', 'not_found');
    expect(registry.has('drop_database')).to.equal(false);
  });

  const broken: [string, string, (c: Record<string, any>) => void, RegExp][] = [
    ['a missing annotation', 'get_project', (c) => delete c.annotations.idempotentHint, /annotations/],
    ['an open-world annotation', 'get_project', (c) => (c.annotations.openWorldHint = true), /openWorldHint/],
    ['an object schema that allows extra properties', 'get_project', (c) => (c.inputSchema.additionalProperties = true), /additionalProperties/],
    ['a nested open object', 'list_projects', (c) => delete c.outputSchema.$defs.project.additionalProperties, /outputSchema\/\$defs\/project lists properties/],
    ['annotations contradicting the kind', 'delete_work_item', (c) => (c.annotations.destructiveHint = false), /contradict kind 'destructive'/],
    ['a write without idempotency_key', 'add_comment', (c) => delete c.inputSchema.properties.idempotency_key, /idempotency_key/],
    ['an example that does not validate', 'get_project', (c) => c.examples.push({ project: 'not a project!' }), /examples\/2 does not match/],
    ['a keyword strict mode rejects', 'get_project', (c) => (c.inputSchema.properties.project.minimun = 1), /strict mode/],
    ['a REST placeholder that names no argument', 'get_project', (c) => (c['x-gateway'].rest.path = '/projects/{proj}'), /placeholder \{proj\}/],
    ['a resource pointer that names no argument', 'get_project', (c) => (c['x-gateway'].resource.project = ['/nope']), /pointer \/nope names no argument/],
    ['an unknown kind', 'get_project', (c) => (c['x-gateway'].kind = 'admin'), /kind/],
    ['a required name that is not declared', 'update_work_item', (c) => c.inputSchema.anyOf.push({ required: ['ghost'] }), /required argument ghost/],
  ];
  for (const [what, tool, mutate, message] of broken) {
    it(`refuses to start on ${what}, naming the file`, () => {
      const err = loadMutated(tool, mutate);
      expect(err).to.be.instanceOf(ContractError);
      expect(err.file).to.equal(`${tool}.json`);
      expect(err.message).to.match(message);
    });
  }

  it('refuses a contract whose file name differs from its tool name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'contracts-'));
    try {
      writeFileSync(join(dir, 'other.json'), JSON.stringify(readContract('get_project')));
      expect(() => ContractRegistry.load(dir)).to.throw(ContractError, /other\.json.*file name must be get_project\.json/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a file that is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'contracts-'));
    try {
      writeFileSync(join(dir, 'bad.json'), '{"name": ');
      expect(() => ContractRegistry.load(dir)).to.throw(ContractError, /bad\.json.*not readable JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
