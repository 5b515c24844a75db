/**
 * OPA's extractVerifyOpts: the options object of parse_and_verify_certificates_with_options read
 * key by key (in OPA's sorted key order), with OPA's errors for a wrong type, an unknown key or an
 * unknown key usage. Non-string keys are skipped; non-string KeyUsages entries are ignored.
 */
import { BuiltinError, compareStrings, fail, isObject, type JsonValue } from '../../value.js';
import { numberTextAt } from '../../sets.js';
import type { VerifyOptions } from './verify.js';

/** OPA's allowedKeyUsages: option names to x509.ExtKeyUsage values. */
const KEY_USAGES: Record<string, number> = {
  KeyUsageAny: 0, KeyUsageServerAuth: 1, KeyUsageClientAuth: 2, KeyUsageCodeSigning: 3, KeyUsageEmailProtection: 4,
  KeyUsageIPSECEndSystem: 5, KeyUsageIPSECTunnel: 6, KeyUsageIPSECUser: 7, KeyUsageTimeStamping: 8, KeyUsageOCSPSigning: 9,
  KeyUsageMicrosoftServerGatedCrypto: 10, KeyUsageNetscapeServerGatedCrypto: 11, KeyUsageMicrosoftCommercialCodeSigning: 12,
  KeyUsageMicrosoftKernelCodeSigning: 13,
};

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/**
 * ast.Number.Int64 / Int (json.Number's ParseInt): a number written as a plain integer that fits
 * int64. A number written otherwise ("1e9", "1.0") crossed with its text, and ParseInt refuses it.
 */
function int64Of(value: number | bigint, options: object, key: string): bigint | undefined {
  if (numberTextAt(options, key) !== undefined) return undefined;
  if (typeof value === 'number' && !Number.isSafeInteger(value)) return undefined;
  const v = BigInt(value);
  return v >= INT64_MIN && v <= INT64_MAX ? v : undefined;
}

function trimQuotes(s: string): string {
  return s.replace(/^"+|"+$/g, '');
}

export function verifyOptions(options: unknown): VerifyOptions {
  if (!isObject(options)) fail('operand 2 must be object');
  const opts: VerifyOptions = { dnsName: '', keyUsages: [] };
  for (const key of Object.keys(options).sort(compareStrings)) {
    const value: JsonValue = options[key]!;
    switch (key) {
      case 'DNSName':
        if (typeof value !== 'string') fail("'DNSName' should be a string");
        opts.dnsName = trimQuotes(value);
        break;
      case 'CurrentTime': {
        if (typeof value !== 'number' && typeof value !== 'bigint') fail("'CurrentTime' should be a number");
        const ns = int64Of(value, options, key);
        if (ns === undefined) fail("'CurrentTime' should be a valid int64 number");
        opts.currentTime = ns;
        break;
      }
      case 'MaxConstraintComparisons':
        if (typeof value !== 'number' && typeof value !== 'bigint') fail("'MaxConstraintComparisons' should be a number");
        {
          const max = int64Of(value, options, key);
          if (max === undefined) fail("'MaxConstraintComparisons' should be a valid number");
          opts.maxConstraintComparisons = Number(max);
        }
        break;
      case 'KeyUsages': {
        if (!Array.isArray(value)) fail("'KeyUsages' should be an Array or Set");
        const invalid: string[] = [];
        for (const item of value) {
          if (typeof item !== 'string') continue;
          const name = trimQuotes(item);
          if (KEY_USAGES[name] !== undefined) opts.keyUsages.push(KEY_USAGES[name]!);
          else invalid.push(name);
        }
        if (invalid.length > 0) throw new BuiltinError(`invalid entries for 'KeyUsages' found: [${invalid.join(' ')}]`);
        break;
      }
      default:
        fail('invalid key option');
    }
  }
  return opts;
}
