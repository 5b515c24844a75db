import { expect } from 'chai';
import { newAgentToken, newFlowSecret } from '../../src/identity/index.js';
import { REDACTED, redactString, redactValue } from '../../src/log/index.js';
import { replaceSecrets } from '../../src/log/redact.js';
import { newCode } from '../../src/pairing/index.js';

/** Every secret format the gateway mints, freshly minted, and where it may turn up in free text. */
const agentToken = newAgentToken().plaintext;
const flowSecret = newFlowSecret().plaintext;
const internalToken = `agwi_${'Ab3'.repeat(14)}x`;
const pairingCode = newCode();
/**
 * Typed in lower case or without its dash, a code is recognised only with a digit in it, so that
 * prose like `read-only` survives (src/log/redact.ts); about 1 minted code in 20 has none, so
 * those cases take a freshly minted code that has one.
 */
const typedCode = mintWithDigit();
const userCode = newCode();
/** A code that is all letters, so only its shape can give it away. */
const letterCode = 'ABCD-EFGH';

function mintWithDigit(): string {
  for (;;) {
    const code = newCode();
    if (/\d/.test(code)) return code;
  }
}

const masked: Array<[string, string, string]> = [
  ['agent token in a message', `token ${agentToken} used`, agentToken],
  ['agent token, mangled (an extra character)', `rejected ${agentToken}x`, agentToken],
  ['agent token in a URL query', `/api/v1/me?token=${agentToken}&x=1`, agentToken],
  ['internal token (agwi_)', `service token was ${internalToken}.`, internalToken],
  ['flow secret (agwf_)', `{"flow_secret":"${flowSecret}"}`, flowSecret],
  ['console setup link secret (agws_, base64url)', `open /console/setup?token=agws_${'a-b_C9'.repeat(7)}x now`, `${'a-b_C9'.repeat(7)}x`],
  ['console invitation secret (agwv_)', `invite agwv_${'Zz-_09'.repeat(7)}q sent`, `${'Zz-_09'.repeat(7)}q`],
  ['console session id in a cookie header (agwc_)', `cookie: agw_console=agwc_${'Q-w_E1'.repeat(7)}r; path=/`, `${'Q-w_E1'.repeat(7)}r`],
  ['bearer header with any token', 'Authorization: Bearer s3cr3t-0paque-value', 's3cr3t-0paque-value'],
  ['bearer header, lower case', 'authorization: bearer another.opaque.value', 'another.opaque.value'],
  ['pairing code as minted', `use ${pairingCode} to pair`, pairingCode],
  ['user code in a verification URL', `https://gw.example/console/pair?user_code=${userCode}`, userCode],
  ['user code of letters only', `code ${letterCode} approved`, letterCode],
  ['pairing code typed in lower case', `exchange of ${typedCode.toLowerCase()} failed`, typedCode.toLowerCase()],
  ['pairing code without its dash', `code ${typedCode.replace('-', '')}!`, typedCode.replace('-', '')],
  ['code typed with confusable letters (O for 0, L for 1)', 'typed 0L2A-B0O1 twice', '0L2A-B0O1'],
  ['PEM private key', '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIGd5\n-----END PRIVATE KEY-----', 'MC4CAQAwBQYDK2VwBCIEIGd5'],
];

const kept: Array<[string, string]> = [
  ['a UUID (agent, token or request id)', 'agent 3f2a9c1e-4b7d-4e2a-9f10-0a1b2c3d4e5f suspended'],
  ['prose with a dashed pair of words', 'the token is read-only and long-term'],
  // (A four-letter project with a four-digit number, `NODE-1234`, has a code's shape and is masked: a log loses an id rather than leak a code.)
  ['work item ids', 'updated OPS-12, NODE-123 and PROJECT-1234'],
  ['an ISO timestamp', '2025-06-18T10:20:30.000Z'],
  ['a SHA-256 digest', 'hash 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'],
  ['an upper-case word of eight letters', 'status REJECTED by POSTGRES'],
  ['a path with no secret', 'POST /api/v1/pairing/flows/3f2a9c1e-4b7d-4e2a-9f10-0a1b2c3d4e5f/poll'],
];

describe('log: redaction of every secret the gateway mints', () => {
  for (const [name, text, secret] of masked) {
    it(`masks ${name}`, () => {
      const out = redactString(text);
      expect(out).not.to.contain(secret);
      expect(out).to.contain(REDACTED);
    });
  }

  for (const [name, text] of kept) {
    it(`keeps ${name}`, () => {
      expect(redactString(text)).to.equal(text);
    });
  }

  it('skips only strings the replacements leave unchanged (the quick check never lets a secret through)', () => {
    const pieces = [agentToken, flowSecret, internalToken, pairingCode, typedCode.toLowerCase(), typedCode.replace('-', ''), letterCode, 'Bearer x', 'BEARER\ty', 'bearer', 'agw_', 'agwx_a', 'AGW_abc',
      '-----BEGIN RSA PRIVATE KEY-----\nabc', 'PRIVATE KEY-----', '3f2a9c1e-4b7d-4e2a-9f10-0a1b2c3d4e5f', 'read-only', 'OPS-12', 'REJECTED', 'A1B2C3D4', 'a1b2-c3d4', 'ab_cd-efgh', '-', '_', ' ', '"', ',', 'x', '9'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    for (let i = 0; i < 5000; i += 1) {
      let text = '';
      for (let n = next() % 5; n >= 0; n -= 1) text += pieces[next() % pieces.length]!;
      expect(redactString(text), JSON.stringify(text)).to.equal(replaceSecrets(text));
    }
  });

  it('keeps the kind of a masked gateway secret, so a log still says what was there', () => {
    expect(redactString(agentToken)).to.equal(`agw_${REDACTED}`);
    expect(redactString(internalToken)).to.equal(`agwi_${REDACTED}`);
    expect(redactString(flowSecret)).to.equal(`agwf_${REDACTED}`);
  });

  it('masks values under secret-naming keys at any depth, and keys as raw bytes are never spelled out', () => {
    const key = Buffer.from('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff', 'hex');
    const out = redactValue({
      user_code: 'anything at all',
      pairing_code: 'x',
      flow_secret: 'y',
      secretKey: key,
      config: { GATEWAY_SECRET_KEY: 'zzz', auditSigningKey: 'pem', nested: { raw: key } },
      token_id: 'c3a1b2d4-0000-4000-8000-000000000000',
      secret_key_file: '/var/lib/agw/secret-key',
      status_code: 400,
      csrf_token: 'double-submit value',
      session_id: 'opaque',
    }) as Record<string, any>;
    expect(out).to.deep.include({ user_code: REDACTED, pairing_code: REDACTED, flow_secret: REDACTED, secretKey: REDACTED, csrf_token: REDACTED, session_id: REDACTED, status_code: 400 });
    expect(out.config).to.deep.equal({ GATEWAY_SECRET_KEY: REDACTED, auditSigningKey: REDACTED, nested: { raw: '[binary]' } });
    expect(out.token_id).to.equal('c3a1b2d4-0000-4000-8000-000000000000');
    expect(out.secret_key_file).to.equal('/var/lib/agw/secret-key');
    expect(JSON.stringify(out)).not.to.match(/"0":\s*0|170/);
  });
});
