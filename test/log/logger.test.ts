import { expect } from 'chai';
import { REDACTED } from '../../src/log/index.js';
import { capturingLogger } from '../support/logs.js';

describe('log: the line format', () => {
  it('writes one JSON object per line with the level, message, timestamp, default and given fields', () => {
    const { logger, capture } = capturingLogger('info');
    logger.info('decision', { decision_id: 'd-1', nested: { list: [1, 'two', null] } });
    const line = JSON.parse(capture.lines[0]!) as Record<string, unknown>;
    expect(line).to.include({ level: 'info', message: 'decision', service: 'agent-gateway', decision_id: 'd-1' });
    expect(line.nested).to.deep.equal({ list: [1, 'two', null] });
    expect(Date.parse(String(line.timestamp))).to.be.closeTo(Date.now(), 60_000);
  });

  it('redacts secrets in fields and under secret-naming keys, and leaves the caller its own object', () => {
    const { logger, capture } = capturingLogger('info');
    const meta = { note: 'Authorization: Bearer opaque-value', nested: { api_key: 'k' } };
    logger.info('call', meta);
    const line = JSON.parse(capture.lines[0]!) as { note: string; nested: { api_key: string } };
    expect(line.note).to.equal(`Authorization: Bearer ${REDACTED}`);
    expect(line.nested.api_key).to.equal(REDACTED);
    expect(meta.nested.api_key).to.equal('k');
  });

  it('still writes a line holding a value JSON cannot (a bigint), as winston would', () => {
    const { logger, capture } = capturingLogger('info');
    logger.info('counted', { total: 12n });
    expect(JSON.parse(capture.lines[0]!)).to.include({ message: 'counted', total: '12' });
  });
});
