import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * The RFC 8628 `device_code` over the pairing flow: `<flow id>.<flow secret>.<client tag>`. The
 * flow id and secret are what the pairing flow's poll already checks (the secret only as a keyed
 * hash at rest); the tag is an HMAC of the flow id and the client_id under the server key, so a code
 * answers only the client it was issued to (RFC 8628 §3.4) without storing the client anywhere.
 */
export interface DeviceCode {
  flowId: string;
  flowSecret: string;
  tag: string;
}

const TAG_INFO = 'nodedc-agent-gateway/oauth-device-code-client/v1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SECRET = /^agwf_[A-Za-z0-9_-]{20,100}$/;
const TAG = /^[A-Za-z0-9_-]{43}$/;

export class DeviceCodes {
  readonly #key: Buffer;

  constructor(serverKey: Uint8Array) {
    this.#key = Buffer.from(hkdfSync('sha256', serverKey, Buffer.alloc(0), TAG_INFO, 32));
  }

  private tag(flowId: string, clientId: string): string {
    return createHmac('sha256', this.#key).update(`${flowId}\n${clientId}`, 'utf8').digest('base64url');
  }

  issue(flowId: string, flowSecret: string, clientId: string): string {
    return `${flowId}.${flowSecret}.${this.tag(flowId, clientId)}`;
  }

  /** The code's parts, or undefined when it is malformed or was issued to another client. */
  open(deviceCode: string, clientId: string): DeviceCode | undefined {
    const [flowId, flowSecret, tag, extra] = deviceCode.split('.');
    if (extra !== undefined || !flowId || !flowSecret || !tag || !UUID.test(flowId) || !SECRET.test(flowSecret) || !TAG.test(tag)) return undefined;
    const expected = Buffer.from(this.tag(flowId, clientId));
    const given = Buffer.from(tag);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    return { flowId, flowSecret, tag };
  }
}
