import { expect } from 'chai';
import { verifyChain, type AuditRecord } from '../../src/audit/index.js';
import { WRITE_OPS, decisionEvents, newAgent, rest, sandboxItems, startStack, type Stack } from './support.js';

const CREATE_PATH = /\/projects\/[^/]+\/work-items\/$/;

/** The stack's adapter: one 2 s attempt per write, then 3 s of read-back. */
const ATTEMPT_MS = 2_000;
const CONFIRM_MS = 3_000;

async function eventually(stack: Stack, agentId: string, decisionId: string, kind: string, withinMs: number): Promise<AuditRecord[]> {
  const until = Date.now() + withinMs;
  for (;;) {
    const events = await decisionEvents(stack, agentId, decisionId);
    if (events.some((e) => e.kind === kind) || Date.now() > until) return events;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('e2e: honest write outcomes (lost answers, unknown outcomes, reconciliation)', function () {
  this.timeout(120_000);
  let stack: Stack;

  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack?.close();
  });
  afterEach(() => stack.sandbox.faults.reset());

  it('a create Tasker applies but answers after the attempt timeout is found by its decision-derived external id: 201, one item, outcome ok', async () => {
    const { token, agentId } = await newAgent(stack, WRITE_OPS);
    stack.sandbox.faults.answerLateNext(1, { path: CREATE_PATH, methods: ['POST'], delayMs: ATTEMPT_MS + 1_000 });
    const started = Date.now();
    // No idempotency key: the lookup by the decision's external id still makes this first call succeed.
    const res = await rest(stack, token, 'POST', '/projects/OPS/work-items', { name: 'e2e lost answer' });
    const waited = Date.now() - started;
    expect(res.status, res.text).to.equal(201);
    expect(sandboxItems(stack, 'e2e lost answer')).to.equal(1);
    expect(res.body.work_item.id).to.equal(stack.sandbox.data.workItems.find((w) => w.name === 'e2e lost answer')!.id);
    const events = await decisionEvents(stack, agentId, res.headers.get('x-decision-id')!);
    expect(events.map((e) => e.kind)).to.deep.equal(['decision', 'outcome']);
    expect(events[1]!.outcome).to.equal('success');
    expect(events[1]!.detail.error_code).to.equal(null);
    // One attempt and a quick look-up, not every retry up to the deadline.
    expect(waited).to.be.below(ATTEMPT_MS + 1_500);
  });

  it('a create still unknown after the read-back answers 504 tasker_outcome_unknown, is recorded as unknown, reconciled later, and the keyed retry gets the item', async () => {
    const { token, agentId } = await newAgent(stack, WRITE_OPS);
    const headers = { 'idempotency-key': 'e2e-unknown-0001' };
    // Tasker applies the create only after the attempt and the read-back have given up.
    stack.sandbox.faults.applyLateNext(1, { path: CREATE_PATH, methods: ['POST'], delayMs: ATTEMPT_MS + CONFIRM_MS + 1_000 });
    const started = Date.now();
    const res = await rest(stack, token, 'POST', '/projects/OPS/work-items', { name: 'e2e unknown outcome' }, headers);
    const waited = Date.now() - started;
    expect(res.status, res.text).to.equal(504);
    const decisionId: string = res.body.error.context.decision_id;
    expect(res.body.error.code).to.equal('tasker_outcome_unknown');
    expect(res.body.error.message).to.include(decisionId).and.to.include('Retry with the same idempotency key');
    expect(waited).to.be.below(ATTEMPT_MS + CONFIRM_MS + 1_500);

    const events = await eventually(stack, agentId, decisionId, 'tool.reconciled', 20_000);
    expect(events.map((e) => e.kind)).to.deep.equal(['decision', 'outcome', 'tool.reconciled']);
    expect(events[1]!.outcome).to.equal('failure');
    expect(events[1]!.detail.error_code, 'an unknown outcome is told apart by its code').to.equal('tasker_outcome_unknown');
    expect(events[2]!.outcome).to.equal('success');
    expect(events[2]!.detail).to.include({ found: true, idempotency_key: 'completed' });

    const retry = await rest(stack, token, 'POST', '/projects/OPS/work-items', { name: 'e2e unknown outcome' }, headers);
    expect(retry.status, retry.text).to.equal(201);
    expect(sandboxItems(stack, 'e2e unknown outcome')).to.equal(1);
    expect(retry.body.work_item.id).to.equal(stack.sandbox.data.workItems.find((w) => w.name === 'e2e unknown outcome')!.id);
    const { orm } = stack.gw.gateway.deps;
    expect(await verifyChain(orm.em.fork(), 16)).to.include({ ok: true });
  });
});
