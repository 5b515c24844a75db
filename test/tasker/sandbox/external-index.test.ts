import { expect } from 'chai';
import { ExternalIndex, type PairedRecord } from '../../../src/tasker/sandbox/external-index.js';

const P1 = 'project-1';
const P2 = 'project-2';

function rec(id: string, project: string, source: string | null, external: string | null): PairedRecord {
  return { id, project, deleted_at: null, external_source: source, external_id: external };
}

describe('tasker sandbox: the external-pair index', () => {
  it('finds a live record by project and pair, and nothing for another project or a half pair', () => {
    const list = [rec('a', P1, 'gw', 'x'), rec('b', P1, 'gw', null)];
    const index = new ExternalIndex(() => list);
    expect(index.find(P1, 'gw', 'x')?.id).to.equal('a');
    expect(index.find(P2, 'gw', 'x')).to.equal(undefined);
    expect(index.find(P1, 'gw', null)).to.equal(undefined);
    expect(index.find(P1, '', 'x')).to.equal(undefined);
    expect(index.find(P1, 'gw', 'x', 'a')).to.equal(undefined);
  });

  it('picks up records appended to the list by anyone since the last lookup', () => {
    const list = [rec('a', P1, 'gw', 'x')];
    const index = new ExternalIndex(() => list);
    expect(index.find(P1, 'gw', 'y')).to.equal(undefined);
    list.push(rec('b', P1, 'gw', 'y'));
    expect(index.find(P1, 'gw', 'y')?.id).to.equal('b');
  });

  it('skips soft-deleted records, so a deleted record frees its pair', () => {
    const list = [rec('a', P1, 'gw', 'x')];
    const index = new ExternalIndex(() => list);
    list[0]!.deleted_at = '2026-12-03T00:00:00Z';
    expect(index.find(P1, 'gw', 'x')).to.equal(undefined);
    list.push(rec('b', P1, 'gw', 'x'));
    expect(index.find(P1, 'gw', 'x')?.id).to.equal('b');
  });

  it('moves a record whose pair changed once it is refreshed', () => {
    const list = [rec('a', P1, 'gw', 'x')];
    const index = new ExternalIndex(() => list);
    expect(index.find(P1, 'gw', 'x')?.id).to.equal('a');
    list[0]!.external_id = 'z';
    index.refresh(list[0]!);
    expect(index.find(P1, 'gw', 'x')).to.equal(undefined);
    expect(index.find(P1, 'gw', 'z')?.id).to.equal('a');
  });

  it('never answers a stale entry: a pair changed in place without refresh is not found under its old key', () => {
    const list = [rec('a', P1, 'gw', 'x')];
    const index = new ExternalIndex(() => list);
    expect(index.find(P1, 'gw', 'x')?.id).to.equal('a');
    list[0]!.external_id = 'z';
    expect(index.find(P1, 'gw', 'x')).to.equal(undefined);
    expect(index.find(P1, 'gw', 'z')?.id).to.equal('a');
  });

  it('follows a list replaced by another one (a snapshot loaded over the data)', () => {
    let list = [rec('a', P1, 'gw', 'x')];
    const index = new ExternalIndex(() => list);
    expect(index.find(P1, 'gw', 'x')?.id).to.equal('a');
    list = [rec('b', P1, 'gw', 'y')];
    expect(index.find(P1, 'gw', 'x')).to.equal(undefined);
    expect(index.find(P1, 'gw', 'y')?.id).to.equal('b');
  });

  it('does not read the list again on a lookup once it is indexed (no scan per create)', () => {
    const list = Array.from({ length: 10_000 }, (_, i) => rec(`r${i}`, P1, 'gw', `k${i}`));
    let reads = 0;
    const counted = new Proxy(list, {
      get(target, prop, receiver) {
        if (typeof prop === 'string' && /^\d+$/.test(prop)) reads += 1;
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    const index = new ExternalIndex(() => counted);
    expect(index.find(P1, 'gw', 'k5000')?.id).to.equal('r5000');
    reads = 0;
    expect(index.find(P1, 'gw', 'k9999')?.id).to.equal('r9999');
    expect(index.find(P1, 'gw', 'missing')).to.equal(undefined);
    counted.push(rec('new', P1, 'gw', 'fresh'));
    expect(index.find(P1, 'gw', 'fresh')?.id).to.equal('new');
    expect(reads).to.equal(1);
  });
});
