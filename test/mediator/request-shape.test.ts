import { expect } from 'chai';
import { requestHash } from '../../src/mediator/index.js';
import { taskerReference } from '../../src/mediator/tasker-reference.js';

describe('mediator: what a key protects and what a result refers to', () => {
  it('hashes tool and arguments regardless of key order and of the idempotency_key argument', () => {
    const a = requestHash('create_work_item', { project: 'OPS', name: 'x', labels: ['bug', 'infra'] });
    expect(requestHash('create_work_item', { labels: ['bug', 'infra'], name: 'x', project: 'OPS', idempotency_key: 'abcdefgh' })).to.equal(a);
    expect(a).to.match(/^[0-9a-f]{64}$/);
  });

  it('changes the hash with any change of tool or value', () => {
    const a = requestHash('create_work_item', { project: 'OPS', name: 'x', labels: ['bug', 'infra'] });
    expect(requestHash('create_work_item', { project: 'OPS', name: 'y', labels: ['bug', 'infra'] })).to.not.equal(a);
    expect(requestHash('create_work_item', { project: 'OPS', name: 'x', labels: ['infra', 'bug'] })).to.not.equal(a);
    expect(requestHash('update_work_item', { project: 'OPS', name: 'x', labels: ['bug', 'infra'] })).to.not.equal(a);
  });

  it('names the work item, the comment or nothing as the Tasker reference', () => {
    expect(taskerReference({ work_item: { id: 'w1', human_id: 'OPS-1' }, created: true })).to.deep.equal({ work_item_id: 'w1', human_id: 'OPS-1' });
    expect(taskerReference({ comment: { id: 'c1', work_item_id: 'w1' }, created: true })).to.deep.equal({ comment_id: 'c1', work_item_id: 'w1' });
    expect(taskerReference({ deleted: true, work_item_id: 'w1', human_id: 'OPS-1' })).to.deep.equal({ work_item_id: 'w1', human_id: 'OPS-1' });
    expect(taskerReference({ items: [], total: 0, next_cursor: null })).to.equal(null);
  });
});
