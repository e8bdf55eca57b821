/**
 * A fake HTTP carrier: a real loopback node:http server on port 0 (STACK.md: real sockets, no mocks of
 * fetch). Each request is recorded (unless `record: false`, for benchmarks) and answered by a
 * programmable behaviour. Kept cheap: no logging, no per-request allocation beyond the body.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the carrier saw it. */
export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** How to answer one request. */
export type FakeReply =
  | { kind: 'answer'; status: number; body?: string | object; headers?: Record<string, string> }
  | { kind: 'delay'; ms: number; then: FakeReply }
  | { kind: 'reset' };

/** Chooses the reply; `n` counts requests from 0. */
export type FakeBehaviour = (req: RecordedRequest, n: number) => FakeReply;

/** Reply builders for the usual cases. */
export const reply = {
  /** 2xx with a JSON body. */
  json: (status: number, body: object, headers?: Record<string, string>): FakeReply => ({
    kind: 'answer',
    status,
    body,
    ...(headers ? { headers } : {}),
  }),
  /** 200 `{"id": "<id>"}`. */
  ok: (id: string): FakeReply => ({ kind: 'answer', status: 200, body: { id } }),
  /** Plain text answer. */
  text: (status: number, body: string): FakeReply => ({ kind: 'answer', status, body }),
  /** Answer after `ms`. */
  slow: (ms: number, then: FakeReply): FakeReply => ({ kind: 'delay', ms, then }),
  /** Destroy the socket without answering. */
  reset: (): FakeReply => ({ kind: 'reset' }),
};

/** A running fake carrier. */
export interface FakeHttpCarrier {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  url: string;
  requests: RecordedRequest[];
  /** Requests seen, recorded or not. */
  count(): number;
  /** Replace the behaviour for the next requests. */
  behave(b: FakeBehaviour): void;
  close(): Promise<void>;
}

/** Start a fake carrier; default behaviour answers 200 `{"id":"fake-<n>"}`. */
export async function startFakeHttpCarrier(
  opts: { behaviour?: FakeBehaviour; record?: boolean } = {},
): Promise<FakeHttpCarrier> {
  let behaviour: FakeBehaviour = opts.behaviour ?? ((_r, n) => reply.ok(`fake-${n}`));
  const record = opts.record ?? true;
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let n = 0;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      if (record) requests.push(rec);
      play(behaviour(rec, n++));

      function play(r: FakeReply): void {
        if (r.kind === 'reset') {
          req.socket.destroy();
        } else if (r.kind === 'delay') {
          const t = setTimeout(() => {
            timers.delete(t);
            if (!res.destroyed) play(r.then);
          }, r.ms);
          timers.add(t);
        } else {
          const isText = typeof r.body === 'string';
          const body = r.body === undefined ? '' : isText ? (r.body as string) : JSON.stringify(r.body);
          res.writeHead(r.status, {
            'content-type': isText ? 'text/plain' : 'application/json',
            'content-length': Buffer.byteLength(body),
            ...r.headers,
          });
          res.end(body);
        }
      }
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    count: () => n,
    behave(b) {
      behaviour = b;
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
