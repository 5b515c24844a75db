import { expect } from 'chai';
import { silentLogger } from '../../src/log/index.js';
import { buildStages, taskerTargetFromEnv } from '../../src/gateway/stages.js';

describe('e2e: stage wiring (buildStages, as `agent-gateway start` uses it)', () => {
  it('uses the sandbox when no Tasker setting is given, a real Tasker when all three are', () => {
    expect(taskerTargetFromEnv({}).kind).to.equal('sandbox');
    const remote = taskerTargetFromEnv({ TASKER_URL: 'https://tasker.example', TASKER_API_KEY: 'plane_api_x', TASKER_WORKSPACE: 'nodedc' });
    expect(remote).to.deep.equal({ kind: 'remote', options: { baseUrl: 'https://tasker.example', apiKey: 'plane_api_x', workspace: 'nodedc' } });
  });

  it('refuses a half-configured Tasker, naming what is missing (and never echoing the key)', () => {
    expect(() => taskerTargetFromEnv({ TASKER_URL: 'https://tasker.example', TASKER_API_KEY: 'plane_api_secret' })).to.throw(/set TASKER_WORKSPACE too/);
    const attempt = () => taskerTargetFromEnv({ TASKER_API_KEY: 'plane_api_secret' });
    expect(attempt).to.throw(/TASKER_URL, TASKER_WORKSPACE/);
    expect(attempt).to.throw().with.property('message').that.does.not.contain('plane_api_secret');
  });

  it('orders the stages so each finds what it needs: audit checkpoints, policy, tasker, decision, mcp, rest, oauth, console', () => {
    const { extensions } = buildStages(silentLogger(), { env: {} });
    expect(extensions.map((e) => e.name)).to.deep.equal(['audit-checkpoints', 'policy', 'tasker', 'decision', 'mcp', 'rest', 'oauth', 'console']);
    expect(() => buildStages(silentLogger(), { env: { MCP_ALLOWED_ORIGINS: 'ftp://x.example' } })).to.throw(/origin/);
  });
});
