import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { renderToolsDoc, TOOLS_DOC_PATH } from '../../scripts/generate-tools-doc.js';
import { ContractRegistry } from '../../src/contracts/index.js';

describe('docs/MCP_TOOLS_CONTRACT.md', () => {
  it('is up to date with schemas/tools (run npm run docs:tools when this fails)', () => {
    expect(readFileSync(TOOLS_DOC_PATH, 'utf8')).to.equal(renderToolsDoc());
  });

  it('documents every tool with its REST route', () => {
    const doc = renderToolsDoc();
    for (const contract of ContractRegistry.load().list()) {
      expect(doc).to.include(`## \`${contract.name}\`: ${contract.title}`);
      expect(doc).to.include(`\`${contract['x-gateway'].rest.method} /api/v1${contract['x-gateway'].rest.path}\``);
    }
  });
});
