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
  body?: string;
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
    req.end(call.body);
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
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next += 1;
        await send(call);
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function closeConnections(): void {
  agent.destroy();
}
