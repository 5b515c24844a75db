import { expect } from 'chai';
import { policyGrant } from '../../src/decision/policy-grants.js';

const PUB_ID = '0b7e4c2a-1d3f-4a5b-9c8d-7e6f5a4b3c2d';

describe('grants as the policy reads them', () => {
  it('spell project keys as the resource spells its project: identifiers upper, UUIDs lower, each once', () => {
    const grant = policyGrant({ id: 'g1', workspace: 'nodedc', projects: ['pub', 'PUB', PUB_ID.toUpperCase(), 'Ops'], tools: ['read'], constraints: {}, expires_at: null });
    expect(grant.projects).to.deep.equal(['PUB', PUB_ID, 'OPS']);
  });

  it('spell approval_required_projects the same way, so a constraint in another case still applies', () => {
    const grant = policyGrant({ id: 'g1', workspace: 'nodedc', projects: '*', tools: ['write'], constraints: { approval_required_projects: ['pub', 7] }, expires_at: null });
    expect(grant.projects).to.equal('*');
    expect(grant.constraints.approval_required_projects).to.deep.equal(['PUB']);
  });
});
