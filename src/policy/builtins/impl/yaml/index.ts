/**
 * yaml.marshal, yaml.unmarshal and yaml.is_valid as OPA answers them (v1/topdown/encoding.go):
 * sigs.k8s.io/yaml's JSONToYAML / YAMLToJSON / Unmarshal over go-yaml v2.4.0. What this engine cannot
 * reproduce exactly stops the call (NotExactError) instead of answering.
 */
import type { HostImplementation } from '../../types.js';
import { asString, BuiltinError, notExact, NotExactError, type JsonValue } from '../../value.js';
import { decodeYaml } from './decode.js';
import { yamlMarshal } from './marshal.js';
import { parseYaml } from './parse.js';

function unmarshal(text: unknown, builtin: string): JsonValue {
  const s = asString(text, 'operand 1');
  return decodeYaml(parseYaml(s, builtin), builtin);
}

/** yaml.is_valid: whether sigs.k8s.io/yaml's Unmarshal into interface{} succeeds; false for a non-string. */
function isValid(text: unknown): boolean {
  if (typeof text !== 'string') return false;
  try {
    unmarshal(text, 'yaml.is_valid');
    return true;
  } catch (err) {
    if (err instanceof BuiltinError) return false;
    if (err instanceof NotExactError) throw err;
    // Anything else is this engine's own failure, not an answer: stop rather than say false.
    return notExact('yaml.is_valid', `this text (${(err as Error).message})`);
  }
}

export const yamlBuiltins: Readonly<Record<string, HostImplementation>> = {
  'yaml.marshal': yamlMarshal,
  'yaml.unmarshal': (text: unknown) => unmarshal(text, 'yaml.unmarshal'),
  'yaml.is_valid': isValid,
};
