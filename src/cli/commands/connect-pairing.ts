/** The client side of the gateway's pairing endpoints (`/api/v1/pairing/...`), as `connect` uses them. */

import type { StartedFlow } from '../../pairing/index.js';
export interface IssuedToken {
  access_token: string;
  token_id: string;
  expires_at: string | null;
  agent: { id: string; display_name: string };
}

/** The device flow's start answer, as the gateway's pairing stage defines it. */
export type { StartedFlow };

/** A refusal from the gateway, with its stable error code. */
export class PairingError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function post<T>(server: string, path: string, body: unknown): Promise<{ status: number; body: T & { error?: { code: string; message: string; context?: { interval?: number } } } }> {
  const res = await fetch(`${server}/api/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(15_000) });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as never };
}

export async function redeemCode(server: string, code: string, deviceName: string): Promise<IssuedToken> {
  const res = await post<IssuedToken>(server, '/pairing/exchange', { code, device_name: deviceName });
  if (res.status !== 201) throw new PairingError(res.body.error?.code ?? `http_${res.status}`, res.body.error?.message ?? `the gateway answered ${res.status}`);
  return res.body;
}

export async function startFlow(server: string, deviceName: string): Promise<StartedFlow> {
  const res = await post<StartedFlow>(server, '/pairing/flows', { device_name: deviceName });
  if (res.status !== 201) throw new PairingError(res.body.error?.code ?? `http_${res.status}`, res.body.error?.message ?? `the gateway answered ${res.status}`);
  return res.body;
}

/** Polls at the gateway's pace (slowing down when told) until the owner approves, denies or the flow expires. */
export async function waitForApproval(server: string, flow: StartedFlow, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Promise<IssuedToken> {
  let intervalMs = Math.max(flow.interval, 0.1) * 1000;
  const deadline = Date.now() + flow.expires_in * 1000;
  while (Date.now() < deadline) {
    await sleep(intervalMs);
    const res = await post<IssuedToken>(server, `/pairing/flows/${flow.flow_id}/poll`, { flow_secret: flow.flow_secret });
    if (res.status === 200) return res.body;
    const code = res.body.error?.code ?? `http_${res.status}`;
    if (code === 'authorization_pending') continue;
    if (code === 'slow_down') {
      intervalMs = (res.body.error?.context?.interval ?? intervalMs / 1000 + 1) * 1000;
      continue;
    }
    throw new PairingError(code, res.body.error?.message ?? `the gateway answered ${res.status}`);
  }
  throw new PairingError('expired_token', 'the sign-in link expired before it was approved; run connect again');
}
