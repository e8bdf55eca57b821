/**
 * A fake Acrobits push service (PNM JSON gateway, http_push doc) on a real loopback port: records each
 * push and answers `{"code":200,"response":"OK"}`, or `{"code":404}` for tokens marked dead. One
 * version of the push documentation names that field `status` instead: set `replyField` to answer so.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One push as the service received it. */
export type RecordedPush = Record<string, unknown>;

export interface FakePush {
  /** The URL to configure as `push.url`. */
  url: string;
  pushes: RecordedPush[];
  /** Tokens answered with code 404. */
  dead: Set<string>;
  /** The name of the reply's result field: `code` (default) or `status`. */
  replyField: 'code' | 'status';
  /** Answer HTTP 503 to the next `n` pushes (a push service outage). */
  failNext(n: number): void;
  /** Resolve when `pred()` holds (polled), reject after `ms`. */
  waitFor(pred: () => boolean, ms?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFakePush(): Promise<FakePush> {
  const pushes: RecordedPush[] = [];
  const dead = new Set<string>();
  let failing = 0;
  const fake = { replyField: 'code' as 'code' | 'status' };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (status: number, body: object) => {
        const text = JSON.stringify(body);
        res.writeHead(status, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
        });
        res.end(text);
      };
      if (failing > 0) {
        failing--;
        return send(503, { code: 503, response: 'try later' });
      }
      let push: RecordedPush;
      try {
        push = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RecordedPush;
      } catch {
        return send(400, { code: 400, response: 'bad json' });
      }
      pushes.push(push);
      const dead404 = dead.has(String(push['DeviceToken']));
      if (dead404) return send(200, { [fake.replyField]: 404, response: 'Unknown device' });
      send(200, { [fake.replyField]: 200, response: 'OK' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/pnm2/send`,
    pushes,
    dead,
    get replyField() {
      return fake.replyField;
    },
    set replyField(f) {
      fake.replyField = f;
    },
    failNext(n) {
      failing = n;
    },
    async waitFor(pred, ms = 5_000) {
      const until = Date.now() + ms;
      while (!pred()) {
        if (Date.now() > until) throw new Error('fake push: condition not met in time');
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
