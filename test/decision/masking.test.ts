import { expect } from 'chai';
import { DEFAULT_MASKED_POINTERS, maskArguments } from '../../src/decision/index.js';

describe('decision log masking by JSON pointers', () => {
  it('masks work item descriptions and comment bodies by default, also inside explain', () => {
    const args = { work_item: 'OPS-1', body: 'secret', html: '<p>secret</p>', arguments: { project: 'OPS', description: 'secret' } };
    expect(maskArguments(args, DEFAULT_MASKED_POINTERS)).to.deep.equal({ work_item: 'OPS-1', body: '[masked]', html: '[masked]', arguments: { project: 'OPS', description: '[masked]' } });
    expect(args.body).to.equal('secret');
  });

  it('follows RFC 6901 escapes and a * segment, and leaves absent paths alone', () => {
    const args = { 'a/b': 1, items: [{ body: 'x', id: 1 }, { body: 'y', id: 2 }], keep: 'k' };
    expect(maskArguments(args, ['/a~1b', '/items/*/body', '/missing/deep'])).to.deep.equal({ 'a/b': '[masked]', items: [{ body: '[masked]', id: 1 }, { body: '[masked]', id: 2 }], keep: 'k' });
  });

  it('refuses a pointer that is not one', () => {
    expect(() => maskArguments({}, ['description'])).to.throw(/not a JSON pointer/);
  });
});
