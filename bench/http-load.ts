/**
 * The benchmark's HTTP client: node:http over keep-alive connections, which costs the client far
 * less per request than fetch, so more of the machine is left to the processes being measured.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface HttpCall {
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  /** A function for a body that must differ per request (a write's idempotency key). */
  body?: string | (() => string);
  /** Throws when the answer is not the expected one, so a benchmark never times errors. */
  check(status: number, body: string): void;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export function send(call: HttpCall): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(call.url, { method: call.method, headers: call.headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        try {
          call.check(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'));
          resolve();
        } catch (err) {
          reject(err);
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(typeof call.body === 'function' ? call.body() : call.body);
  });
}

/** Latencies in ms of `count` calls made one after another, sorted. */
export async function sequential(call: HttpCall, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    await send(call);
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}

/** Requests per second of `count` calls made by `concurrency` callers at once. */
export async function concurrent(call: HttpCall, count: number, concurrency: number): Promise<number> {
  return (await spread([call], count, concurrency)).total;
}

/**
 * `count` calls by `concurrency` callers at once, caller i always sending `calls[i % calls.length]`
 * (e.g. one call per gateway instance): requests per second in all and per call.
 */
export async function spread(calls: HttpCall[], count: number, concurrency: number): Promise<{ total: number; each: number[] }> {
  let next = 0;
  const done = calls.map(() => 0);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, i) => {
      const which = i % calls.length;
      while (next < count) {
        next += 1;
        await send(calls[which]!);
        done[which]! += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { total: count / seconds, each: done.map((n) => n / seconds) };
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function closeConnections(): void {
  agent.destroy();
}
