import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { POLICIES_DIR } from '../../src/paths.js';
import { GATEWAY_ENTRYPOINTS, PolicyEngine, buildPolicies } from '../../src/policy/index.js';
import { READ_GRANT, callTool, newAgent, quietPolicyLogger, startWorld, toolCall, type World } from './support.js';

const UNREAD = { calls_last_minute: 0, writes_last_hour: 0 };

/** Two recorded calls, then the assessment of a third: what the policy was given as usage. */
async function usageSeen(world: World, grant: Record<string, unknown>): Promise<{ usage: unknown; needed: unknown }> {
  const agent = await newAgent(world, grant);
  for (let i = 0; i < 2; i++) expect((await callTool(world, agent, 'get_work_item', { work_item: 'OPS-1' })).status).to.equal('ok');
  const assessment = await world.stage.pipeline.assess(toolCall(agent, 'get_work_item', { work_item: 'OPS-1' }));
  expect(assessment.verdict).to.equal('allow');
  return { usage: assessment.input?.usage, needed: assessment.decision?.usage_needed };
}

describe('decision: the agent\'s usage is read only when the policy says a budget can read it', function () {
  this.timeout(240_000);

  describe('with the shipped policy', () => {
    let world: World;
    before(async () => {
      world = await startWorld();
    });
    after(async () => {
      await world?.close();
    });

    it('decides a call whose grants carry no budget without reading the usage', async () => {
      const seen = await usageSeen(world, { ...READ_GRANT, constraints: { approval_required_kinds: ['destructive'] } });
      expect(seen).to.deep.equal({ usage: UNREAD, needed: false });
    });

    it('reads the recorded usage for a call a budget applies to', async () => {
      const seen = await usageSeen(world, { ...READ_GRANT, constraints: { calls_per_minute: 100 } });
      expect(seen).to.deep.equal({ usage: { calls_last_minute: 2, writes_last_hour: 0 }, needed: true });
    });
  });

  describe('with a policy that does not say (no usage_needed in its decision)', () => {
    let world: World;
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'agw-usage-needed-'));
      const policies = join(dir, 'policies');
      await cp(POLICIES_DIR, policies, { recursive: true });
      const decisionFile = join(policies, 'gateway', 'decision.rego');
      const text = await readFile(decisionFile, 'utf8');
      const silent = text.replace('\t"usage_needed": usage_needed,\n', '');
      expect(silent, 'the shipped decision names usage_needed').to.not.equal(text);
      await writeFile(decisionFile, silent);
      await rm(join(policies, 'gateway', 'decision_test.rego'));
      const outDir = join(dir, 'build');
      await buildPolicies({ engine: 'regoc', optimize: false, policiesDir: policies, outDir });
      const engine = await PolicyEngine.open({ dir: outDir }, { requiredEntrypoints: GATEWAY_ENTRYPOINTS, logger: quietPolicyLogger });
      world = await startWorld({ engine });
    });
    after(async () => {
      await world?.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('reads the usage for every call, budget or not (fails closed)', async () => {
      const seen = await usageSeen(world, { ...READ_GRANT, constraints: {} });
      expect(seen).to.deep.equal({ usage: { calls_last_minute: 2, writes_last_hour: 0 }, needed: undefined });
    });
  });
});
