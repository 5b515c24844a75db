import { expect } from 'chai';
import { AuditLog, DEPTH_CUT, ENCODED_MARK, decodeRecorded, isStorableString, recordable, verifyChain, type AuditEventInput } from '../../src/audit/index.js';
import { createOrm, sql, type Orm } from '../../src/store/index.js';
import { runCli, testDatabaseUrl } from '../support/index.js';

/** Values JSON, RFC 8785 or PostgreSQL jsonb/text cannot hold as they are, in values and in keys. */
const HOSTILE: Record<string, unknown> = {
  nul: 'a\u0000b',
  only_nul: '\u0000',
  lone_high: '\ud800',
  lone_low: 'x\udc00y',
  reversed_pair: '\udc00\ud800',
  infinity: Infinity,
  minus_infinity: -Infinity,
  nan: NaN,
  looks_encoded: `${ENCODED_MARK}s:not really`,
  backslashes: '\\u0000 is not a NUL',
  'key\u0000with nul': 1,
  '\ud83d': 'lone high surrogate as a key',
  nested: [{ deeper: ['\u0000', 1e308, -0, 'ok'] }],
};

/** Every key and string inside `value`. */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => [...(Array.isArray(value) ? [] : [key]), ...stringsOf(inner)]);
}

function event(kind: string, detail: Record<string, unknown>, extra: Partial<AuditEventInput> = {}): AuditEventInput {
  return { kind, actor: { type: 'agent', id: 'agent\u0000x' }, outcome: 'denied', requestId: 'req-\ud800', detail, ...extra };
}

describe('audit: whatever a caller sends can be recorded', () => {
  let orm: Orm;
  const audit = new AuditLog();
  before(async () => {
    orm = await createOrm({ databaseUrl: testDatabaseUrl(), poolMax: 4 });
  });
  after(async () => {
    await orm.close(true);
  });

  it('leaves values that can be stored as they are', () => {
    const ordinary = { s: 'plain ✓ 😀 text', n: [0, -1.5, 1e308], b: true, z: null, o: { '': 'empty key', 'a/b~c': 'pointer chars' } };
    expect(recordable(ordinary)).to.deep.equal(ordinary);
  });

  it('encodes NUL, lone surrogates, non-finite numbers and the marker itself losslessly and distinctly', () => {
    const encoded = recordable(HOSTILE) as Record<string, unknown>;
    expect(stringsOf(encoded).filter((s) => !isStorableString(s))).to.deep.equal([]);
    expect(stringsOf(HOSTILE).filter((s) => !isStorableString(s))).to.have.length(8);
    expect(encoded.infinity).to.equal(`${ENCODED_MARK}n:Infinity`);
    expect(encoded.nul).to.equal(`${ENCODED_MARK}s:a\\u0000b`);
    // A string that merely looks encoded is encoded too, so decoding cannot mistake it.
    expect(encoded.looks_encoded).to.equal(`${ENCODED_MARK}s:${ENCODED_MARK}s:not really`);
    const decoded = decodeRecorded(encoded) as Record<string, unknown>;
    expect(Number.isNaN(decoded.nan)).to.equal(true);
    expect({ ...decoded, nan: 'NaN' }).to.deep.equal({ ...HOSTILE, nan: 'NaN', nested: [{ deeper: ['\u0000', 1e308, 0, 'ok'] }] });
  });

  it('cuts what is nested beyond the record depth with a marker instead of exhausting the stack', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 10_000; i += 1) deep = { a: deep };
    expect(JSON.stringify(recordable(deep))).to.contain(DEPTH_CUT);
  });

  it('appends hostile events to one batch with ordinary ones, stores exactly what it hashed, and audit verify passes', async function () {
    this.timeout(60_000);
    const events = [
      event('test.recordable.ordinary', { i: 0 }),
      event('test.recordable.hostile', HOSTILE, { subject: { type: 'tool', id: 'who\u0000ami' }, ownerUserId: '\udfff' }),
      event('test.recordable.ordinary', { i: 1 }),
    ];
    const records = await Promise.all(events.map((e) => audit.append(orm.em.fork(), e)));
    expect(records.map((r) => r.kind)).to.deep.equal(['test.recordable.ordinary', 'test.recordable.hostile', 'test.recordable.ordinary']);
    const [stored] = await sql<{ detail: unknown; actor_id: string; subject_id: string; request_id: string; owner_user_id: string }>(orm.em.fork(), 'select detail, actor_id, subject_id, request_id, owner_user_id from audit_events where seq = ?', [records[1]!.seq]);
    expect(stored!.detail).to.deep.equal(records[1]!.detail);
    expect(decodeRecorded(stored!.actor_id)).to.equal('agent\u0000x');
    expect(decodeRecorded(stored!.subject_id)).to.equal('who\u0000ami');
    expect(decodeRecorded(stored!.request_id)).to.equal('req-\ud800');
    expect(decodeRecorded(stored!.owner_user_id)).to.equal('\udfff');
    expect((decodeRecorded(stored!.detail) as Record<string, unknown>)['key\u0000with nul']).to.equal(1);
    const inTx = await orm.em.fork().transactional((tx) => audit.append(tx, event('test.recordable.in_tx', HOSTILE)));
    expect(inTx.detail).to.deep.equal(records[1]!.detail);
    expect(await verifyChain(orm.em.fork())).to.include({ ok: true });
    const cli = await runCli(['audit', 'verify'], { DATABASE_URL: testDatabaseUrl() });
    expect(cli.code, cli.stdout + cli.stderr).to.equal(0);
  });
});
