import { request as httpRequest, type OutgoingHttpHeaders, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

/** What a side-by-side comparison looks at of an answer: status, content type and the parsed body. */
export interface Answer {
  status: number;
  contentType: string | undefined;
  body: unknown;
}

/** An app listening on a loopback port, and a raw POST to it (any headers, any body text). */
export interface Listening {
  post(path: string, headers: OutgoingHttpHeaders, body: string): Promise<Answer>;
  port: number;
  close(): Promise<void>;
}

export async function listen(app: Express): Promise<Listening> {
  const http = await new Promise<HttpServer>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const port = (http.address() as AddressInfo).port;
  const post = (path: string, headers: OutgoingHttpHeaders, body: string): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, contentType: res.headers['content-type'], body: text ? JSON.parse(text) : undefined }));
      });
      req.on('error', reject);
      req.end(body);
    });
  return { post, port, close: () => new Promise<void>((resolve) => http.close(() => resolve())) };
}
