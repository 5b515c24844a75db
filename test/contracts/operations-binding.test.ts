import { expect } from 'chai';
import { ContractRegistry } from '../../src/contracts/index.js';
import { TOOL_OPERATIONS } from '../../src/tasker/index.js';

describe('tool contracts and adapter operations', () => {
  const contracts = ContractRegistry.load().list();

  it('names an existing adapter operation in every Tasker tool', () => {
    for (const contract of contracts.filter((c) => c['x-gateway'].handler === 'tasker')) {
      expect(Object.keys(TOOL_OPERATIONS), contract.name).to.include(contract['x-gateway'].operation);
    }
  });

  it('leaves no adapter operation without a tool', () => {
    const named = new Set(contracts.map((c) => c['x-gateway'].operation));
    expect(Object.keys(TOOL_OPERATIONS).filter((op) => !named.has(op))).to.deep.equal([]);
  });

  it('hands whoami, explain and get_action_status to the gateway, not to Tasker', () => {
    const gatewayTools = contracts.filter((c) => c['x-gateway'].handler === 'gateway').map((c) => c.name).sort();
    expect(gatewayTools).to.deep.equal(['explain', 'get_action_status', 'whoami']);
  });
});
