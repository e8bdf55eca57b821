import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { startTestService, type TestService } from '../helpers/service.js';

// A client that sends slowly (or not at all) must not hold a connection for ever, and a flood of
// connections must not take the server's memory: header, whole-request and connection limits, each
// answered with a message where the socket still allows one.

const HEADERS_MS = 500;
const REQUEST_MS = 2000;
const KEEP_ALIVE_MS = 300;
let svc: TestService;
let port: number;

before(async () => {
  svc = await startTestService({
    push: { enabled: false },
    server: {
      headersTimeoutMs: HEADERS_MS,
      requestTimeoutMs: REQUEST_MS,
      keepAliveTimeoutMs: KEEP_ALIVE_MS,
      maxConnections: 3,
    },
  });
  port = Number(new URL(svc.url).port);
});
after(() => svc.close());

interface Outcome {
  /** Everything the server wrote before it closed the connection. */
  text: string;
  /** Milliseconds from connecting to the close. */
  ms: number;
  /** The server had not closed the connection after `giveUpMs`. */
  stillOpen: boolean;
}

/** Connect, send `first`, then `trickle` one piece every `everyMs`, until the server closes the socket. */
function slowClient(
  first: string,
  trickle: string,
  everyMs: number,
  giveUpMs: number,
  allowHalfOpen = true,
): Promise<Outcome> {
  return new Promise((resolve) => {
    const started = Date.now();
    // Like an attacker, the client never closes its side (unless `allowHalfOpen` is false): the
    // connection ends when the server destroys it (the next trickled byte is then refused).
    const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen });
    let text = '';
    let timer: NodeJS.Timeout | undefined;
    const done = (stillOpen: boolean) => {
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ text, ms: Date.now() - started, stillOpen });
    };
    const giveUp = setTimeout(() => done(true), giveUpMs);
    socket.on('data', (d) => {
      text += d.toString('utf8');
    });
    socket.on('error', () => {});
    socket.on('close', () => done(false));
    socket.on('connect', () => {
      socket.write(first);
      timer = setInterval(() => {
        if (socket.writable) socket.write(trickle);
      }, everyMs);
    });
  });
}

function jsonMessage(raw: string): unknown {
  const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
  return (JSON.parse(body) as { message?: unknown }).message;
}

test('a body trickled a byte at a time gets 408 with a message once the request deadline passes', async () => {
  const head =
    'POST /send_message HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n';
  const r = await slowClient(head, ' ', 100, REQUEST_MS * 4);
  assert.equal(r.stillOpen, false, 'the server kept the trickling connection open');
  assert.match(r.text, /^HTTP\/1\.1 408 /);
  assert.match(String(jsonMessage(r.text)), /timed out/i);
  assert.ok(r.ms >= REQUEST_MS - 100, `cut after ${r.ms} ms, before the deadline`);
  assert.ok(r.ms < REQUEST_MS * 2.5, `cut only after ${r.ms} ms`);
});

test('headers trickled a line at a time are cut at the header deadline with 408 and a message', async () => {
  const r = await slowClient('GET /livez HTTP/1.1\r\nHost: x\r\n', 'X-Slow: 1\r\n', 100, REQUEST_MS * 4);
  assert.equal(r.stillOpen, false, 'the server kept the slow-header connection open');
  assert.match(r.text, /^HTTP\/1\.1 408 /);
  assert.match(String(jsonMessage(r.text)), /timed out/i);
  assert.ok(r.ms < REQUEST_MS, `cut after ${r.ms} ms, not at the header deadline`);
});

/** Send one whole request with `Connection: close` on a new connection; what came back. */
function oneRequest(path: string): Promise<string> {
  return slowClient(
    `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    '',
    60_000,
    5000,
    false,
  ).then((r) => r.text);
}

function openIdle(): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
}

async function serverConnections(): Promise<number> {
  return new Promise((resolve, reject) =>
    svc.app.server.getConnections((err, n) => (err ? reject(err) : resolve(n))),
  );
}

test('a connection over the limit is closed unanswered while the connections within it are served', async () => {
  const held = [await openIdle(), await openIdle()];
  try {
    for (let i = 0; i < 50 && (await serverConnections()) < 2; i++)
      await new Promise((r) => setTimeout(r, 10));
    // The third connection is within the limit: served.
    assert.match(await oneRequest('/livez'), /^HTTP\/1\.1 200 /);
    held.push(await openIdle());
    for (let i = 0; i < 50 && (await serverConnections()) < 3; i++)
      await new Promise((r) => setTimeout(r, 10));
    // The fourth is over it: closed without a byte of answer.
    assert.equal(await oneRequest('/livez'), '');
    // One held connection goes away: a new one is served again.
    held.pop()?.destroy();
    for (let i = 0; i < 50 && (await serverConnections()) > 2; i++)
      await new Promise((r) => setTimeout(r, 10));
    assert.match(await oneRequest('/livez'), /^HTTP\/1\.1 200 /);
  } finally {
    for (const s of held) s.destroy();
  }
});

test('a keep-alive connection left idle after its answer is closed once the idle time passes', async () => {
  // The first request is answered; then the client says nothing more.
  const r = await slowClient('GET /livez HTTP/1.1\r\nHost: x\r\n\r\n', '', 60_000, 10_000, false);
  assert.equal(r.stillOpen, false, 'the idle connection was kept open');
  assert.match(r.text, /^HTTP\/1\.1 200 /);
  assert.ok(r.ms >= KEEP_ALIVE_MS - 50, `closed after ${r.ms} ms, before the idle time`);
  assert.ok(r.ms < KEEP_ALIVE_MS + 2000, `closed only after ${r.ms} ms`);
});
