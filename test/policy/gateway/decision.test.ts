import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { SCHEMAS_DIR } from '../../../src/paths.js';
import {
  type AgentGrant,
  type DecisionInput,
  GATEWAY_ENTRYPOINTS,
  type PolicyGrant,
  PolicyEngine,
  type ToolCatalogue,
  buildGrantIndex,
  buildPolicies,
  decide,
  gatewayPolicyData,
  visibleTools,
} from '../../../src/policy/index.js';
import { recordingLogger } from '../engine/fixtures.js';

const catalogue: ToolCatalogue = {
  whoami: { kind: 'read', self_service: true },
  get_work_item: { kind: 'read' },
  create_work_item: { kind: 'write' },
  delete_work_item: { kind: 'destructive' },
};

function grant(id: string, overrides: Partial<PolicyGrant> = {}): PolicyGrant {
  return { id, workspace: 'acme', projects: ['P1'], tools: ['read'], constraints: {}, expires_at: null, ...overrides };
}

function call(tool: keyof typeof catalogue, grants: PolicyGrant[] | undefined, project: string | null = 'P1'): DecisionInput {
  return {
    agent: { id: 'agent-1', owner_user_id: 'user-1', status: 'active', display_name: 'codex' },
    token: { id: 'tok-1', expires_at: '2030-01-01T00:00:00.000Z' },
    ...(grants ? { grants } : {}),
    action: { tool, kind: catalogue[tool]!.kind, args: {} },
    resource: { workspace: 'acme', project, work_item: null },
    request: { transport: 'rest', request_id: 'req-1', idempotency_key: null, time: new Date('2026-03-01T12:00:00Z').toISOString() },
    usage: { calls_last_minute: 0, writes_last_hour: 0 },
  };
}

const ajv = new Ajv2020({ strict: false });
const validInput = ajv.compile(JSON.parse(readFileSync(join(SCHEMAS_DIR, 'decision', 'input.json'), 'utf8')));

describe('gateway policy through the engine (policies/ built by regoc)', function () {
  this.timeout(180_000);
  let out: string;
  let engine: PolicyEngine;

  before(async () => {
    out = await mkdtemp(join(tmpdir(), 'gateway-policy-'));
    await buildPolicies({ engine: 'regoc', optimize: false, outDir: out });
    engine = await PolicyEngine.open({ dir: out }, { requiredEntrypoints: GATEWAY_ENTRYPOINTS, logger: recordingLogger() });
    engine.setData(gatewayPolicyData(catalogue));
  });
  after(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('builds inputs the input schema accepts', () => {
    expect(validInput(call('get_work_item', [grant('g1')])), JSON.stringify(validInput.errors)).to.equal(true);
    expect(validInput(call('whoami', undefined, null))).to.equal(true);
    expect(validInput({ ...call('get_work_item', []), request: { transport: 'mcp', request_id: 'r', idempotency_key: null, time: '2026-03-01T12:00:00Z' } })).to.equal(false);
  });

  it('allows a granted read and denies an ungranted write with a reason code', () => {
    const allowed = decide(engine, call('get_work_item', [grant('g1')]));
    expect(allowed).to.deep.equal({ allow: true, reasons: [], obligations: { approval_required: false, approval_reasons: [], project_scope: ['P1'] }, matched_grants: ['g1'], usage_needed: false });
    const denied = decide(engine, call('create_work_item', [grant('g1')]));
    expect(denied.allow).to.equal(false);
    expect(denied.reasons.map((r) => r.code)).to.deep.equal(['no_matching_grant']);
  });

  it('requires approval for a destructive tool', () => {
    const d = decide(engine, call('delete_work_item', [grant('g1', { tools: ['*'] })]));
    expect(d.allow).to.equal(true);
    expect(d.obligations.approval_required).to.equal(true);
    expect(d.obligations.approval_reasons.map((r) => r.code)).to.deep.equal(['destructive_tool']);
  });

  it('denies when the catalogue data is missing (unknown tool)', async () => {
    const bare = await PolicyEngine.open({ dir: out }, { logger: recordingLogger() });
    const d = decide(bare, call('get_work_item', [grant('g1')]));
    expect(d.reasons.map((r) => r.code)).to.deep.equal(['unknown_tool']);
  });

  it('decides the same from a 1,000-grant index as from grants in the input', () => {
    const grants: AgentGrant[] = [];
    for (let i = 0; i < 1000; i++) {
      grants.push({ ...grant(`g${i}`, { workspace: `ws${i % 10}`, projects: [`P${i}`], tools: ['read', 'create_work_item'] }), agent_id: i % 2 ? 'agent-1' : 'agent-2' });
    }
    const indexed = new PolicyEngine({ logger: recordingLogger() });
    return indexed.reload({ dir: out }).then(() => {
      indexed.setData(gatewayPolicyData(catalogue, buildGrantIndex(grants)));
      const input = { ...call('create_work_item', undefined, 'P501'), resource: { workspace: 'ws1', project: 'P501', work_item: null } };
      const viaIndex = decide(indexed, input);
      const viaInput = decide(engine, { ...input, grants: grants.filter((g) => g.agent_id === 'agent-1') });
      expect(viaIndex).to.deep.equal(viaInput);
      expect(viaIndex.matched_grants).to.deep.equal(['g501']);
      const otherAgentsProject = decide(indexed, { ...input, resource: { workspace: 'ws0', project: 'P500', work_item: null } });
      expect(otherAgentsProject.allow).to.equal(false);
    });
  });

  it('lists the tools an agent may see', () => {
    expect(visibleTools(engine, call('whoami', [grant('g1')], null))).to.deep.equal(['get_work_item', 'whoami']);
    expect(visibleTools(engine, call('whoami', [grant('g1', { tools: ['*'] })], null))).to.deep.equal(['create_work_item', 'delete_work_item', 'get_work_item', 'whoami']);
  });
});
