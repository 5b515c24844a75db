import { expect } from 'chai';
import { ContractRegistry } from '../../src/contracts/index.js';

const registry = ContractRegistry.load();
const UUID = '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';

function pointersOf(tool: string, args: unknown): string[] {
  const result = registry.validateArguments(tool, args);
  return result.ok ? [] : result.fields.map((f) => f.pointer).sort();
}

/** For each tool, argument sets that must fail, and the JSON pointers that must be reported. */
const BAD_ARGUMENTS: Record<string, [unknown, string[]][]> = {
  list_projects: [[{ member_only: 'yes' }, ['/member_only']], [{ archived: true }, ['/archived']]],
  get_project: [[{}, ['/project']], [{ project: 'PRO-J' }, ['/project']], [{ project: 'ABCDEFGHIJKLM' }, ['/project']]],
  list_work_items: [
    [{ project: 'PROJ', priority: ['critical'] }, ['/priority/0']],
    [{ project: 'PROJ', state_group: [] }, ['/state_group']],
    [{ project: 'PROJ', limit: 500 }, ['/limit']],
    [{ project: 'PROJ', updated_since: 'yesterday' }, ['/updated_since']],
    [{ project: 'PROJ', cursor: 'a b' }, ['/cursor']],
    [{ state: 'Done' }, ['/project']],
  ],
  get_work_item: [
    [{ work_item: 'PROJ12' }, ['/work_item']],
    [{ work_item: UUID }, ['/project']],
    [{ work_item: 'PROJ-1', expand: 'all' }, ['/expand']],
  ],
  search_work_items: [[{ query: '' }, ['/query']], [{ query: 'x', limit: 0 }, ['/limit']]],
  list_comments: [[{ work_item: 'PROJ-1', limit: 101 }, ['/limit']], [{ project: 'PROJ' }, ['/work_item']]],
  list_states: [[{ project: 42 }, ['/project']]],
  list_labels: [[{}, ['/project']]],
  list_members: [[{ project: 'PROJ', role: 'admin' }, ['/role']]],
  list_cycles: [[{ project: '' }, ['/project']]],
  list_modules: [[{ project: null }, ['/project']]],
  create_work_item: [
    [{ project: 'PROJ' }, ['/name']],
    [{ project: 'PROJ', name: 'x', priority: 'critical' }, ['/priority']],
    [{ project: 'PROJ', name: '   ' }, ['/name']],
    [{ project: 'PROJ', name: 'x', target_date: '2026-13-01' }, ['/target_date']],
    [{ project: 'PROJ', name: 'x', labels: ['a', 'a'] }, ['/labels']],
    [{ project: 'PROJ', name: 'x', idempotency_key: 'short' }, ['/idempotency_key']],
    [{ project: 'PROJ', name: 'x'.repeat(256) }, ['/name']],
    [{ project: 'PROJ', name: 'x', created_by: UUID }, ['/created_by']],
  ],
  update_work_item: [
    [{ work_item: 'PROJ-1' }, ['']],
    [{ work_item: 'PROJ-1', target_date: 'soon' }, ['/target_date']],
    [{ work_item: 'PROJ-1', priority: 'p1', name: '' }, ['/name', '/priority']],
  ],
  transition_work_item: [
    [{ work_item: 'PROJ-1' }, ['']],
    [{ work_item: 'PROJ-1', state: 'Done', state_group: 'completed' }, ['']],
    [{ work_item: 'PROJ-1', state_group: 'finished' }, ['/state_group']],
  ],
  add_comment: [[{ work_item: 'PROJ-1' }, ['/body']], [{ work_item: 'PROJ-1', body: '\n\n' }, ['/body']], [{ work_item: 'PROJ-1', body: 'x', html: 'no' }, ['/html']]],
  add_work_item_to_cycle: [[{ work_item: 'PROJ-1', cycle: 'Sprint 1' }, ['/cycle']], [{ work_item: 'PROJ-1' }, ['/cycle']]],
  add_work_item_to_module: [[{ work_item: 'PROJ-1', module: '../../users/me' }, ['/module']]],
  delete_work_item: [[{ work_item: 'PROJ-1', reason: '' }, ['/reason']], [{ work_item: 'PROJ-1', force: true }, ['/force']]],
  list_cycle_work_items: [[{ project: 'PROJ' }, ['/cycle']], [{ project: 'PROJ', cycle: 'Sprint 1' }, ['/cycle']], [{ cycle: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' }, ['/project']]],
  list_module_work_items: [[{ project: 'PROJ', module: '../../users/me' }, ['/module']], [{ project: 'PROJ', module: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f', limit: 0 }, ['/limit']]],
  remove_work_item_from_cycle: [[{ work_item: 'PROJ-1' }, ['/cycle']], [{ work_item: 'PROJ-1', cycle: 'current' }, ['/cycle']]],
  remove_work_item_from_module: [[{ work_item: 'PROJ-1', module: 'Gateway' }, ['/module']], [{ module: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f' }, ['/work_item']]],
  list_sub_work_items: [[{}, ['/work_item']], [{ work_item: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' }, ['/project']]],
  list_work_item_links: [[{ work_item: 'PROJ-1', url: 'https://x.example' }, ['/url']]],
  add_work_item_link: [
    [{ work_item: 'PROJ-1' }, ['/url']],
    [{ work_item: 'PROJ-1', url: 'javascript:alert(1)' }, ['/url']],
    [{ work_item: 'PROJ-1', url: 'https://x.example/a', title: '' }, ['/title']],
  ],
  list_work_item_activity: [[{ work_item: 'PROJ-1', cursor: '../x' }, ['/cursor']], [{ work_item: 'PROJ-1', limit: 101 }, ['/limit']]],
  whoami: [[{ verbose: true }, ['/verbose']]],
  explain: [[{}, ['/tool']], [{ tool: 'Delete Work Item' }, ['/tool']], [{ tool: 'get_project', arguments: [] }, ['/arguments']]],
  get_action_status: [[{ action_id: 'abc' }, ['/action_id']], [{}, ['/action_id']]],
};

describe('contract registry: arguments', () => {
  for (const contract of registry.list()) {
    it(`${contract.name}: every example validates against its inputSchema`, () => {
      for (const example of contract.examples) {
        expect(registry.validateArguments(contract.name, example), JSON.stringify(example)).to.deep.equal({ ok: true });
      }
    });
  }

  it('has a set of bad arguments for every tool', () => {
    expect(Object.keys(BAD_ARGUMENTS).sort()).to.deep.equal(registry.names());
  });

  for (const [tool, cases] of Object.entries(BAD_ARGUMENTS)) {
    it(`${tool}: rejects bad arguments, naming the failing JSON pointers`, () => {
      for (const [args, pointers] of cases) {
        expect(pointersOf(tool, args), JSON.stringify(args)).to.deep.equal(pointers);
      }
    });
  }

  it('rejects an argument list that is not an object', () => {
    expect(registry.validateArguments('get_project', ['PROJ'])).to.deep.include({ ok: false });
    expect(pointersOf('get_project', null)).to.deep.equal(['']);
  });

  it('explains each failure in words a model can act on', () => {
    const result = registry.validateArguments('update_work_item', { work_item: 'PROJ-1', priority: 'p1', extra: 1 });
    expect(result.ok).to.equal(false);
    const messages = Object.fromEntries((result.ok ? [] : result.fields).map((f) => [f.pointer, f.message]));
    expect(messages['/priority']).to.equal('must be one of: urgent, high, medium, low, none');
    expect(messages['/extra']).to.equal('is not an accepted argument');
    const oneOf = registry.validateArguments('transition_work_item', { work_item: 'PROJ-1' });
    expect(oneOf.ok ? '' : oneOf.fields[0]!.message).to.equal('must include exactly one of: state, state_group');
  });

  it('assertArguments throws validation_failed carrying the fields', () => {
    expect(() => registry.assertArguments('get_project', {}))
      .to.throw()
      .that.satisfies((err: { code: string; fields: { pointer: string }[] }) => err.code === 'validation_failed' && err.fields[0]!.pointer === '/project');
  });
});

describe('contract registry: results and resources', () => {
  it('validates a result against the outputSchema and reports where it fails', () => {
    expect(registry.validateResult('add_work_item_to_cycle', { cycle_id: UUID, work_item_id: UUID, human_id: 'PROJ-1' })).to.deep.equal({ ok: true });
    const bad = registry.validateResult('add_work_item_to_cycle', { cycle_id: 'x', work_item_id: UUID, human_id: 'PROJ-1', raw: {} });
    expect(bad.ok ? [] : bad.fields.map((f) => f.pointer).sort()).to.deep.equal(['/cycle_id', '/raw']);
  });

  it('derives the project from a human id when no project is given', () => {
    expect(registry.deriveResource('get_work_item', { work_item: 'proj-12' })).to.deep.equal({ workspace: null, project: 'PROJ', work_item: 'proj-12' });
  });

  it('prefers an explicit project and keeps UUIDs lowercase', () => {
    const upper = UUID.toUpperCase();
    expect(registry.deriveResource('update_work_item', { work_item: upper, project: upper, name: 'x' })).to.deep.equal({
      workspace: null, project: UUID, work_item: upper,
    });
  });

  it('takes no project from a work item UUID: it names no project, only a human id does', () => {
    expect(registry.deriveResource('get_work_item', { work_item: UUID }).project).to.equal(null);
    expect(registry.deriveResource('get_work_item', { work_item: UUID, project: 'pub' }).project).to.equal('PUB');
    expect(registry.deriveResource('get_work_item', { work_item: 'ops-1', project: 'PUB' }).project).to.equal('PUB');
  });

  it('derives no project for workspace-wide tools', () => {
    expect(registry.deriveResource('list_projects', {})).to.deep.equal({ workspace: null, project: null, work_item: null });
    expect(registry.deriveResource('search_work_items', { query: 'x', project: 'ops' }).project).to.equal('OPS');
  });
});

describe('contract registry: views for the policy and MCP', () => {
  it('catalogue() lists every tool with its kind for the policy data', () => {
    const catalogue = registry.catalogue();
    expect(Object.keys(catalogue)).to.deep.equal(registry.names());
    expect(catalogue.delete_work_item).to.deep.include({ kind: 'destructive', handler: 'tasker' });
    expect(catalogue.whoami).to.deep.include({ kind: 'read', handler: 'gateway' });
  });

  it('mcpTool() serves the schemas as they are, without the gateway extension', () => {
    const tool = registry.mcpTool('get_work_item');
    expect(tool).to.have.keys('name', 'title', 'description', 'inputSchema', 'outputSchema', 'annotations');
    expect(tool.inputSchema).to.equal(registry.get('get_work_item').inputSchema);
  });
});
