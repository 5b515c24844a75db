import { randomBytes } from 'node:crypto';

export interface HttpResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as-is instead of JSON (for malformed-body tests). */
  raw?: string;
  headers?: Record<string, string>;
}

/** One HTTP call with fetch; the body is parsed as JSON when it is JSON. */
export async function call<T = any>(baseUrl: string, method: string, path: string, options: RequestOptions = {}): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  const response = await fetch(baseUrl + path, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed as T, headers: response.headers, text };
}

/**
 * Where the next address is drawn from. The rate-limit counters live in the run's one database,
 * shared by every test file, so two tests drawing the same address at random would see each
 * other's failures (a lockout test once failed that way): addresses are handed out in sequence
 * from a random start instead, never twice in one run.
 */
let nextAddress = randomBytes(2).readUInt16BE(0);

/** A fresh address to pose as, via X-Forwarded-For (the test gateway trusts loopback); unique within the run. */
export function randomAddress(): string {
  nextAddress = (nextAddress + 1) % 65536;
  if ((nextAddress & 0xff) === 0) nextAddress += 1;
  return `198.51.${nextAddress >> 8}.${nextAddress & 0xff}`;
}

/** A client for the internal lifecycle API, acting as one user. */
export class InternalClient {
  constructor(
    readonly baseUrl: string,
    readonly token: string,
    readonly actingUser = 'user-owner-1',
  ) {}

  as(actingUser: string): InternalClient {
    return new InternalClient(this.baseUrl, this.token, actingUser);
  }

  request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult<T>> {
    return call<T>(this.baseUrl, method, `/internal/v1${path}`, {
      ...(body !== undefined ? { body } : {}),
      headers: { authorization: `Bearer ${this.token}`, 'x-acting-user': this.actingUser, ...headers },
    });
  }

  async createAgent(displayName = 'Test agent', ownerUserId = this.actingUser): Promise<{ id: string; [k: string]: unknown }> {
    const res = await this.request('POST', '/agents', { owner_user_id: ownerUserId, owner_email: `${ownerUserId}@example.com`, display_name: displayName });
    if (res.status !== 201) throw new Error(`createAgent: ${res.status} ${res.text}`);
    return res.body.agent;
  }

  async issueToken(agentId: string, body: Record<string, unknown> = {}): Promise<{ secret: string; token: { id: string; [k: string]: unknown } }> {
    const res = await this.request('POST', `/agents/${agentId}/tokens`, body);
    if (res.status !== 201) throw new Error(`issueToken: ${res.status} ${res.text}`);
    return res.body;
  }

  async createGrant(agentId: string, grant: Record<string, unknown> = { workspace: 'acme', projects: '*', tools: ['read'] }): Promise<{ id: string; [k: string]: unknown }> {
    const res = await this.request('POST', `/agents/${agentId}/grants`, grant);
    if (res.status !== 201) throw new Error(`createGrant: ${res.status} ${res.text}`);
    return res.body.grant;
  }

  async pairingCode(agentId: string): Promise<string> {
    const res = await this.request('POST', `/agents/${agentId}/pairing-codes`, {});
    if (res.status !== 201) throw new Error(`pairingCode: ${res.status} ${res.text}`);
    return res.body.pairing_code.code;
  }
}

/** A ready agent with a token: what most agent-facing tests of later stages start from. */
export async function agentWithToken(client: InternalClient, grant?: Record<string, unknown>): Promise<{ agentId: string; token: string; tokenId: string }> {
  const agent = await client.createAgent();
  if (grant) await client.createGrant(agent.id, grant);
  const issued = await client.issueToken(agent.id);
  return { agentId: agent.id, token: issued.secret, tokenId: issued.token.id };
}
