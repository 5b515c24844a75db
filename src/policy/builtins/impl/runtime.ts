/**
 * Built-ins about the process the policy runs in: `opa.runtime` and `test.sleep` (a built-in of
 * OPA's own test runner, which OPA's topdown also serves).
 */
import type { HostImplementation } from '../types.js';
import { notExact } from '../value.js';
import { parseDuration } from './time.js';

/**
 * The longest `test.sleep` this engine performs. The wait blocks the thread evaluating the policy
 * (the gateway's event loop), so a longer one stops the evaluation instead of stalling every request.
 */
export const MAX_SLEEP_NS = 1_000_000_000n;

const SLEEP_CELL = new Int32Array(new SharedArrayBuffer(4));

/** Go's time.Sleep of a duration string: a synchronous wait; zero or negative returns at once. */
function sleep(duration: unknown): null {
  const ns = BigInt(parseDuration(duration));
  if (ns > MAX_SLEEP_NS) notExact('test.sleep', `a sleep longer than ${MAX_SLEEP_NS / 1_000_000n} ms`);
  if (ns > 0n) Atomics.wait(SLEEP_CELL, 0, 0, Math.ceil(Number(ns) / 1e6));
  return null;
}

export const runtimeBuiltins: Readonly<Record<string, HostImplementation>> = {
  // OPA embedded as a library without runtime information (rego.Runtime unset) answers an empty
  // object. The gateway is such an embedding: handing policies the process environment, the
  // configuration or the version would leak secrets and make decisions depend on the deployment.
  'opa.runtime': () => ({}),
  'test.sleep': sleep,
};
