import { expect } from 'chai';
import type { TaskerAdapter, TaskerSandbox } from '../../../src/tasker/index.js';
import { SANDBOX_SEED } from '../../../src/tasker/index.js';
import { ACTOR, OTHER_ACTOR, adapterFor, expectValidResult, failureOf, startSandbox } from './support.js';

describe('Tasker adapter: writes against the sandbox', () => {
  let sandbox: TaskerSandbox;
  let adapter: TaskerAdapter;

  before(async () => {
    sandbox = await startSandbox();
    adapter = adapterFor(sandbox);
  });
  after(() => sandbox.close());

  const itemsWithExternalId = (externalId: string) => sandbox.data.workItems.filter((w) => w.external_id === externalId && !w.deleted_at);

  it('createWorkItem creates an attributed item with resolved labels, assignees and state', async () => {
    const result = await adapter.createWorkItem(
      { project: 'OPS', name: 'Add CSV export', description: 'Export when a < b & c > d.\n\nSecond para.', priority: 'high', labels: ['Feature'], assignees: ['me', SANDBOX_SEED.users.member.email], state: 'todo', target_date: '2026-12-01' },
      ACTOR,
    );
    expectValidResult('create_work_item', result);
    const item = result.work_item;
    expect(result.created).to.equal(true);
    expect(item.human_id).to.match(/^OPS-\d+$/);
    expect(item).to.include({ name: 'Add CSV export', priority: 'high', target_date: '2026-12-01', external_source: 'nodedc-agent-gateway' });
    expect(item.state?.name).to.equal('Todo');
    expect(item.labels.map((l) => l.name)).to.deep.equal(['feature']);
    expect(item.assignees.map((a) => a.email).sort()).to.deep.equal([SANDBOX_SEED.users.admin.email, SANDBOX_SEED.users.member.email]);
    expect(item.description_html).to.include('a &lt; b &amp; c &gt; d').and.include('via agent codex-laptop for alice@nodedc.example');
  });

  it('createWorkItem without optional fields lands in the default state', async () => {
    const { work_item } = await adapter.createWorkItem({ project: 'ops', name: 'Minimal' }, ACTOR);
    expect(work_item.state?.name).to.equal('Backlog');
    expect(work_item.external_id).to.match(/^gw-/);
  });

  it('createWorkItem with the same idempotency key returns the first item instead of creating another', async () => {
    const first = await adapter.createWorkItem({ project: 'OPS', name: 'Once', idempotency_key: 'create-once-0001' }, ACTOR);
    const again = await adapter.createWorkItem({ project: 'OPS', name: 'Once', idempotency_key: 'create-once-0001' }, ACTOR);
    expect(again.created).to.equal(false);
    expect(again.work_item.id).to.equal(first.work_item.id);
    expect(itemsWithExternalId(first.work_item.external_id!)).to.have.length(1);
  });

  it('the same idempotency key from another agent is a different write', async () => {
    const mine = await adapter.createWorkItem({ project: 'OPS', name: 'Shared key', idempotency_key: 'shared-key-0001' }, ACTOR);
    const theirs = await adapter.createWorkItem({ project: 'OPS', name: 'Shared key', idempotency_key: 'shared-key-0001' }, OTHER_ACTOR);
    expect(theirs.created).to.equal(true);
    expect(theirs.work_item.id).to.not.equal(mine.work_item.id);
  });

  it('createWorkItem names the argument of an unknown label, assignee or state', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ labels: ['bug', 'nope'] }, '/labels/1'],
      [{ assignees: ['nobody@nodedc.example'] }, '/assignees/0'],
      [{ state: 'Shipped' }, '/state'],
      [{ parent: 'OPS-999' }, ''],
    ];
    for (const [extra, pointer] of cases) {
      const err = await failureOf(() => adapter.createWorkItem({ project: 'OPS', name: 'Bad ref', ...extra } as never, ACTOR));
      if (pointer === '') {
        expect(err.code, JSON.stringify(extra)).to.equal('not_found');
      } else {
        expect(err.code, JSON.stringify(extra)).to.equal('validation_failed');
        expect(err.fields![0]!.pointer).to.equal(pointer);
      }
    }
  });

  it('passes Tasker validation failures on as tasker_rejected with argument pointers', async () => {
    const err = await failureOf(() => adapter.createWorkItem({ project: 'OPS', name: 'Backwards', start_date: '2026-12-10', target_date: '2026-12-01' }, ACTOR));
    expect(err.code).to.equal('tasker_rejected');
    // Plane reports this one in non_field_errors, which points at the arguments as a whole
    expect(err.fields).to.deep.equal([{ pointer: '', message: 'Start date cannot exceed target date' }]);
  });

  it('refuses to write in a public project the key user has not joined', async () => {
    const asMember = adapterFor(sandbox, { apiKey: sandbox.apiKeys.member });
    const err = await failureOf(() => asMember.createWorkItem({ project: 'PUB', name: 'Not mine' }, OTHER_ACTOR));
    expect(err.code).to.equal('tasker_forbidden');
  });

  it('updateWorkItem changes only the given fields and replaces label sets', async () => {
    const { work_item } = await adapter.createWorkItem({ project: 'OPS', name: 'To update', labels: ['bug', 'infra'], priority: 'low' }, ACTOR);
    const result = await adapter.updateWorkItem({ work_item: work_item.human_id, labels: ['feature'], name: 'Updated' }, ACTOR);
    expectValidResult('update_work_item', result);
    expect(result.work_item).to.include({ name: 'Updated', priority: 'low' });
    expect(result.work_item.labels.map((l) => l.name)).to.deep.equal(['feature']);
    const cleared = await adapter.updateWorkItem({ work_item: work_item.id, project: 'OPS', labels: [], description: 'new text' }, ACTOR);
    expect(cleared.work_item.labels).to.deep.equal([]);
    expect(cleared.work_item.description_html).to.include('new text').and.include('Updated via agent codex-laptop');
  });

  it('updateWorkItem sets and clears a parent in the same project', async () => {
    const parent = (await adapter.createWorkItem({ project: 'OPS', name: 'Parent' }, ACTOR)).work_item;
    const child = (await adapter.createWorkItem({ project: 'OPS', name: 'Child', parent: parent.human_id }, ACTOR)).work_item;
    expect(child.parent_id).to.equal(parent.id);
    const orphan = await adapter.updateWorkItem({ work_item: child.human_id, parent: null }, ACTOR);
    expect(orphan.work_item.parent_id).to.equal(null);
  });

  it('transitionWorkItem moves by state name and by group, reporting the previous state', async () => {
    const { work_item } = await adapter.createWorkItem({ project: 'OPS', name: 'To move' }, ACTOR);
    const byName = await adapter.transitionWorkItem({ work_item: work_item.human_id, state: 'in progress' }, ACTOR);
    expectValidResult('transition_work_item', byName);
    expect(byName.previous_state?.name).to.equal('Backlog');
    expect(byName.work_item.state?.name).to.equal('In Progress');
    const byGroup = await adapter.transitionWorkItem({ work_item: work_item.human_id, state_group: 'completed' }, ACTOR);
    expect(byGroup.work_item.state).to.include({ name: 'Done', group: 'completed' });
    expect(byGroup.work_item.completed_at).to.be.a('string');
    const again = await adapter.transitionWorkItem({ work_item: work_item.human_id, state_group: 'completed' }, ACTOR);
    expect(again.work_item.updated_at).to.equal(byGroup.work_item.updated_at);
  });

  it('addComment posts escaped text with an attribution line, once per idempotency key', async () => {
    const first = await adapter.addComment({ work_item: 'OPS-2', body: 'Looks <fine>', idempotency_key: 'comment-key-0001' }, ACTOR);
    expectValidResult('add_comment', first);
    expect(first.created).to.equal(true);
    expect(first.comment.comment_html).to.equal('<p>Looks &lt;fine&gt;</p><p><em>Posted via agent codex-laptop for alice@nodedc.example</em></p>');
    const again = await adapter.addComment({ work_item: 'OPS-2', body: 'Looks <fine>', idempotency_key: 'comment-key-0001' }, ACTOR);
    expect(again).to.deep.include({ created: false });
    expect(again.comment.id).to.equal(first.comment.id);
    const listed = await adapter.listComments({ work_item: 'OPS-2' });
    expect(listed.comments.filter((c) => c.id === first.comment.id)).to.have.length(1);
  });

  it('addComment keeps HTML when asked to', async () => {
    const { comment } = await adapter.addComment({ work_item: 'OPS-2', body: '<p>Fixed in <code>auth.ts</code></p>', html: true }, ACTOR);
    expect(comment.comment_html).to.include('<code>auth.ts</code>');
  });

  it('addWorkItemToCycle and addWorkItemToModule link the item, and repeating changes nothing', async () => {
    const { work_item } = await adapter.createWorkItem({ project: 'OPS', name: 'Plan me' }, ACTOR);
    const cycle = await adapter.addWorkItemToCycle({ work_item: work_item.human_id, cycle: SANDBOX_SEED.cycle.id }, ACTOR);
    expectValidResult('add_work_item_to_cycle', cycle);
    await adapter.addWorkItemToCycle({ work_item: work_item.human_id, cycle: SANDBOX_SEED.cycle.id }, ACTOR);
    expect(sandbox.data.cycleIssues.filter((l) => l.issue === work_item.id && !l.deleted_at)).to.have.length(1);
    const module = await adapter.addWorkItemToModule({ work_item: work_item.human_id, module: SANDBOX_SEED.module.id }, ACTOR);
    expectValidResult('add_work_item_to_module', module);
    await adapter.addWorkItemToModule({ work_item: work_item.human_id, module: SANDBOX_SEED.module.id }, ACTOR);
    expect(sandbox.data.moduleIssues.filter((l) => l.issue === work_item.id && !l.deleted_at)).to.have.length(1);
  });

  it('addWorkItemToCycle of an unknown cycle is not_found', async () => {
    const err = await failureOf(() => adapter.addWorkItemToCycle({ work_item: 'OPS-1', cycle: '00000000-0000-4000-8000-000000000000' }, ACTOR));
    expect(err.code).to.equal('not_found');
  });

  it('deleteWorkItem deletes, after which the item is not_found', async () => {
    const { work_item } = await adapter.createWorkItem({ project: 'OPS', name: 'Doomed' }, ACTOR);
    const result = await adapter.deleteWorkItem({ work_item: work_item.human_id, reason: 'test' }, ACTOR);
    expectValidResult('delete_work_item', result);
    expect(result).to.deep.equal({ deleted: true, work_item_id: work_item.id, human_id: work_item.human_id });
    expect((await failureOf(() => adapter.getWorkItem({ work_item: work_item.human_id }))).code).to.equal('not_found');
  });

  it('deleteWorkItem by a non-creator non-admin is tasker_forbidden', async () => {
    const { work_item } = await adapter.createWorkItem({ project: 'OPS', name: 'Alice owns this' }, ACTOR);
    const asMember = adapterFor(sandbox, { apiKey: sandbox.apiKeys.member });
    const err = await failureOf(() => asMember.deleteWorkItem({ work_item: work_item.human_id }, OTHER_ACTOR));
    expect(err.code).to.equal('tasker_forbidden');
    expect((await adapter.getWorkItem({ work_item: work_item.human_id })).work_item.id).to.equal(work_item.id);
  });
});

describe('Tasker adapter: transition by group is idempotent within the group', () => {
  let sandbox: TaskerSandbox;

  before(async () => {
    sandbox = await startSandbox();
  });
  after(() => sandbox.close());

  it('leaves an item alone when it already is in a state of the requested group', async () => {
    // a second state in the started group, ordered before In Progress
    const inProgress = sandbox.data.states.find((s) => s.project === SANDBOX_SEED.projects.ops.id && s.name === 'In Progress')!;
    sandbox.data.states.push({ ...inProgress, id: '5e1f0c2a-3b4d-4e5f-8a6b-7c8d9e0f1a2b', name: 'In Review', sequence: 30000, default: false });
    const adapter = adapterFor(sandbox);
    const { work_item } = await adapter.createWorkItem({ project: 'OPS', name: 'Already started' }, ACTOR);
    const started = await adapter.transitionWorkItem({ work_item: work_item.human_id, state: 'In Progress' }, ACTOR);
    const again = await adapter.transitionWorkItem({ work_item: work_item.human_id, state_group: 'started' }, ACTOR);
    expect(again.work_item.updated_at).to.equal(started.work_item.updated_at);
    expect(again.previous_state?.name).to.equal('In Progress');
  });
});
