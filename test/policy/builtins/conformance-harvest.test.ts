/**
 * Host built-ins against expectations harvested at test time from OPA's own conformance cases in
 * ../shared/conformance/opa-v1 (read in place, never copied): every case whose module applies one
 * host built-in to constant arguments.
 */
import { expect } from 'chai';
import { callHostBuiltin, hasHostImplementation, lookupBuiltin } from '../../../src/policy/builtins/index.js';
import { compareValues, type JsonValue } from '../../../src/policy/builtins/value.js';
import { CONFORMANCE_DIR, harvestCases, type HarvestedCase } from './support/harvest.js';
import { existsSync } from 'node:fs';

/**
 * Cases the host cannot pass by construction, with the reason. Values cross the SDK as JSON, so a
 * set reaches the host as an array and integers beyond 2^53 (or 2e308) lose their exact value.
 */
const KNOWN_LIMITATIONS: Readonly<Record<string, string>> = {
  'sprintf/test-sprintf.yaml: sprintf/big_int': 'integer beyond 2^53 is rounded by the SDK JSON round trip',
  'sprintf/test-sprintf.yaml: sprintf/big_int/max_cert_serial_number': 'integer beyond 2^53 is rounded by the SDK JSON round trip',
  'strings/test-strings-0921.yaml: strings/sprintf: float too big': '2e308 is not representable in JSON',
  'typebuiltin/test-typebuiltin-0841.yaml: typebuiltin/is_array': 'a set reaches the host as an array',
  'typenamebuiltin/test-typenamebuiltin-0853.yaml: typenamebuiltin/type_name': 'a set reaches the host as an array',
  'providers-aws/aws-sign_req-errors.yaml: providers-aws-sign_req/failure-simple-bad timestamp':
    '-1e9 is an integer once it crosses JSON; OPA rejects it for its exponent syntax',
  'jsonschema/test-json-verify_schema.yaml: json_verify_schema/invalid schema string': 'error text comes from ajv, not gojsonschema',
  'jsonschema/test-json-verify_schema.yaml: json_verify_schema/invalid schema object': 'error text comes from ajv, not gojsonschema',
};

function matches(result: unknown, expected: HarvestedCase['expected']): boolean {
  if (!expected.defined) return result === undefined;
  if ('truthy' in expected) return result !== undefined && result !== false;
  return result !== undefined && compareValues(result as JsonValue, expected.value) === 0;
}

const cases = harvestCases(
  (name) => hasHostImplementation(name),
  (name) => lookupBuiltin(name)?.arity,
);
const byBuiltin = new Map<string, HarvestedCase[]>();
for (const c of cases) {
  if (KNOWN_LIMITATIONS[c.id] !== undefined) continue;
  byBuiltin.set(c.builtin, [...(byBuiltin.get(c.builtin) ?? []), c]);
}

describe('host built-ins against OPA conformance expectations', () => {
  it('finds the conformance cases and harvests several hundred of them', () => {
    expect(existsSync(CONFORMANCE_DIR), CONFORMANCE_DIR).to.equal(true);
    expect(cases.length).to.be.greaterThan(400);
  });

  it('lists only known limitations that still occur in the harvested cases', () => {
    const ids = new Set(cases.map((c) => c.id));
    for (const id of Object.keys(KNOWN_LIMITATIONS)) expect(ids.has(id), id).to.equal(true);
  });

  for (const [builtin, group] of [...byBuiltin].sort(([a], [b]) => a.localeCompare(b))) {
    describe(builtin, () => {
      for (const c of group) {
        it(c.id, () => {
          const result = callHostBuiltin(c.builtin, ...c.args);
          expect(matches(result, c.expected), `got ${JSON.stringify(result)}`).to.equal(true);
        });
      }
    });
  }
});
