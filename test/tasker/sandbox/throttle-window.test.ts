import { expect } from 'chai';
import { Throttle } from '../../../src/tasker/sandbox/throttle.js';

const remaining = (headers: Record<string, string>) => Number(headers['X-RateLimit-Remaining']);

describe('tasker sandbox: throttle window', () => {
  it('stops counting a call once it is older than the window, one call at a time', () => {
    const throttle = new Throttle({ requests: 3, windowSeconds: 60 });
    const t0 = 1_000_000;
    expect(remaining(throttle.admit('k', t0))).to.equal(2);
    expect(remaining(throttle.admit('k', t0 + 10_000))).to.equal(1);
    expect(remaining(throttle.admit('k', t0 + 20_000))).to.equal(0);
    expect(() => throttle.admit('k', t0 + 59_999)).to.throw().with.property('status', 429);
    // The first call leaves the window at t0 + 60 s exactly; the second is still in it.
    expect(remaining(throttle.admit('k', t0 + 60_000))).to.equal(0);
    expect(() => throttle.admit('k', t0 + 69_999)).to.throw().with.property('status', 429);
    expect(remaining(throttle.admit('k', t0 + 70_000))).to.equal(0);
  });

  it('forgets thousands of old calls and counts only the window after a long run', () => {
    const throttle = new Throttle({ requests: 1_000_000, windowSeconds: 1 });
    for (let i = 0; i < 20_000; i += 1) throttle.admit('k', i);
    // Calls at 19_001..19_999 ms are within the second before 20_000 ms.
    expect(remaining(throttle.admit('k', 20_000))).to.equal(1_000_000 - 1_000);
  });

  it('keeps an exact count when the clock steps back', () => {
    const throttle = new Throttle({ requests: 10, windowSeconds: 60 });
    throttle.admit('k', 100_000);
    throttle.admit('k', 50_000); // the clock stepped back 50 s
    throttle.admit('k', 100_001);
    // At 110_001 ms the call at 50_000 ms is out of the window, the other two are in it.
    expect(remaining(throttle.admit('k', 110_001))).to.equal(10 - 3);
    // At 160_001 ms only this last call (110_001 ms) is left.
    expect(remaining(throttle.admit('k', 160_001))).to.equal(10 - 2);
  });

  it('says how long to wait from the oldest call still in the window', () => {
    const throttle = new Throttle({ requests: 2, windowSeconds: 60 });
    throttle.admit('k', 0);
    throttle.admit('k', 30_000);
    let refusal: { headers?: Record<string, string> } | undefined;
    try {
      throttle.admit('k', 45_000);
    } catch (err) {
      refusal = err as { headers?: Record<string, string> };
    }
    // The call at 0 leaves at 60 s, 15 s from now.
    expect(refusal?.headers?.['Retry-After']).to.equal('15');
  });
});
