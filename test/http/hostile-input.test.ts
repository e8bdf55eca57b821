/**
 * A few thousand generated hostile requests over every endpoint of a real `textbridge serve` (a child
 * process, so its memory can be read from /proc), with normal sends interleaved: no answer is a 5xx,
 * every refusal carries a human `message`, the server's RSS stays bounded, and the normal sends are
 * still accepted and fetched by their recipient. The generator is seeded; the seed is printed, and
 * TEXTBRIDGE_HOSTILE_SEED=<seed> repeats a run.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { test } from 'node:test';
import { makeAccountAdmin } from '../../src/app/accounts.js';
import { systemClock } from '../../src/app/ports.js';
import { buildConfig } from '../../src/config/index.js';
import { openStore } from '../../src/main/index.js';
import { makeAdminStore } from '../../src/store/adapters/admin.js';
import { startChild, writeConfigFile } from '../helpers/child.js';
import { tempDir } from '../helpers/files.js';
import { type HostileRequest, makeHostile } from '../helpers/hostile.js';
import { freshDatabaseUrl } from '../helpers/pg.js';
import { BODY_MARKER, password } from '../helpers/secrets.js';

const HOSTILE = 2_000;
const NORMAL_EVERY = 20;
const CONCURRENCY = 8;
// A leak would grow with the requests (2,000 bodies of up to ~200 KB each: hundreds of MB). Some seeds
// lift V8's heap to ~260-280 MB with a few large bodies at once, and it is not given back, on a server
// that starts at 120-160 MB (more under tsx); 250 failed such seeds on code that has no leak.
const RSS_LIMIT_MB = 320;

const telnyxKey = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x!;

/**
 * Write `request` to a new connection (without closing our side: a client that half-closes gives up
 * its answer); the status and body of the first whole answer after any 100 Continue (status 0: none).
 */
function rawExchange(url: string, request: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    const socket = net.connect(Number(new URL(url).port), '127.0.0.1', () => socket.write(request));
    let out = Buffer.alloc(0);
    const answer = (): { status: number; text: string } | undefined => {
      const all = out.toString('latin1');
      const re = /HTTP\/1\.[01] (\d{3}) [^\r]*\r\n((?:[^\r]+\r\n)*)\r\n/g;
      for (let m = re.exec(all); m; m = re.exec(all)) {
        if (m[1] === '100') continue;
        const length = Number(/content-length: *(\d+)/i.exec(m[2] ?? '')?.[1] ?? 0);
        const from = m.index + m[0].length;
        if (all.length - from < length) return undefined;
        return { status: Number(m[1]), text: out.subarray(from, from + length).toString('utf8') };
      }
      return undefined;
    };
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer() ?? { status: 0, text: out.toString('utf8') });
    };
    socket.on('data', (d) => {
      out = Buffer.concat([out, d]);
      if (answer()) done();
    });
    socket.on('error', () => {});
    const timer = setTimeout(done, 10_000);
    socket.on('close', done);
  });
}

/** Resident memory of process `pid`, MB. */
function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

test('thousands of hostile requests over every endpoint get no 5xx, always a message, bounded memory, and normal sends still work', async (t) => {
  const seed = Number(process.env['TEXTBRIDGE_HOSTILE_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
  t.diagnostic(`hostile-input seed ${seed} (repeat with TEXTBRIDGE_HOSTILE_SEED=${seed})`);
  const dataDir = tempDir('tb-hostile-');
  const databaseUrl = await freshDatabaseUrl();
  const configFile = writeConfigFile(dataDir, {
    push: { enabled: false },
    server: { trustProxy: true },
    auth: { maxFailures: 1_000_000, maxFailuresPerAddress: 1_000_000 },
    limits: { fetchPageSize: 1000 },
    inbound: { publicUrl: 'https://sms.example.com' },
    carriers: [
      { name: 'twilio', type: 'twilio', accountSid: 'AC1', authToken: 'tw-token' },
      {
        name: 'telnyx',
        type: 'telnyx',
        apiKey: 'k',
        publicKey: Buffer.from(telnyxKey, 'base64url').toString('base64'),
      },
      { name: 'vonage', type: 'vonage', apiKey: 'k', apiSecret: 's', signatureSecret: 'vonage-sig' },
      {
        name: 'acme',
        type: 'http',
        method: 'POST',
        url: 'https://acme.example/send',
        webhook: {
          auth: { kind: 'hmac-sha256', header: 'X-Signature', secret: 'hmac-secret' },
          inbound: { from: 'data.from', to: 'data.to', body: 'data.text', id: 'data.id' },
          receipt: { ref: 'data.ref', status: 'data.status', delivered: ['DELIVERED'], failed: ['FAILED'] },
        },
      },
    ],
  });
  const db = await openStore(buildConfig({ dataDir, databaseUrl }));
  const admin = makeAccountAdmin(makeAdminStore(db), systemClock);
  const pw = { alice: password('alice'), bob: password('bob'), mallory: password('mallory') };
  await admin.add({ username: 'alice', password: pw.alice, numbers: ['+15550000001'], region: 'US' });
  await admin.add({ username: 'bob', password: pw.bob, numbers: ['+15550000002'], region: 'US' });
  await admin.add({ username: 'mallory', password: pw.mallory, numbers: ['+15550000003'], region: 'US' });
  await db.close();

  const child = await startChild(['serve', '--config', configFile], {
    TEXTBRIDGE_DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'info',
  });
  const pid = child.proc.pid!;
  let peakRss = rssMb(pid);
  t.diagnostic(`server RSS at start ${Math.round(peakRss)} MB`);
  const sampler = setInterval(() => {
    // A client's mistake is never logged as the server's error (nor with a stack).
    const errors = readFileSync(child.logFile, 'utf8')
      .split('\n')
      .filter((l) => /^\{"level":(50|60)/.test(l));
    assert.deepEqual(
      errors.slice(0, 5),
      [],
      `seed ${seed}: ${errors.length} error lines in ${child.logFile}`,
    );

    peakRss = Math.max(peakRss, rssMb(pid));
  }, 100);
  try {
    const next = makeHostile(seed, {
      username: 'mallory',
      password: pw.mallory,
      webhooks: ['/inbound/twilio', '/inbound/telnyx', '/inbound/vonage', '/inbound/acme'],
    });
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    const normalTexts: string[] = [];
    const slowest: Array<{ ms: number; what: string }> = [];

    const hostile = async (n: number, h: HostileRequest) => {
      if (h.method === 'RAW') return check(n, h, await rawExchange(child.url, h.body!));
      let res: Response;
      const t0 = Date.now();
      try {
        res = await fetch(child.url + h.path, {
          method: h.method,
          headers: h.headers,
          ...(h.body ? { body: h.body } : {}),
        });
      } catch (e) {
        problems.push(`#${n} ${h.what}: no answer (${(e as Error).cause ?? e})`);
        return;
      }
      const text = await res.text();
      slowest.push({ ms: Date.now() - t0, what: `${res.status} ${h.what}` });
      check(n, h, { status: res.status, text });
    };
    const check = (n: number, h: HostileRequest, res: { status: number; text: string }) => {
      const { text } = res;
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500 || res.status === 0)
        problems.push(`#${n} ${h.what}: ${res.status || 'no answer'} ${text.slice(0, 200)}`);
      else if (res.status >= 300 && h.method !== 'HEAD') {
        let message: unknown;
        try {
          message = (JSON.parse(text) as { message?: unknown }).message;
        } catch {}
        if (typeof message !== 'string' || message.length === 0)
          problems.push(`#${n} ${h.what}: ${res.status} without a message: ${text.slice(0, 200)}`);
      }
    };
    const normal = async (n: number) => {
      const body = `${BODY_MARKER} normal ${n}`;
      const res = await fetch(`${child.url}/send_message`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: 'alice', password: pw.alice, to: '+15550000002', body }),
      });
      const text = await res.text();
      if (res.status !== 200) problems.push(`normal send #${n}: ${res.status} ${text}`);
      else normalTexts.push(body);
    };

    let n = 0;
    const worker = async () => {
      while (n < HOSTILE) {
        const i = n++;
        if (i % NORMAL_EVERY === 0) await normal(i);
        await hostile(i, next());
      }
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    t.diagnostic(
      `${HOSTILE} hostile requests in ${Date.now() - started} ms; statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    slowest.sort((a, b) => b.ms - a.ms);
    t.diagnostic(
      `slowest: ${slowest
        .slice(0, 8)
        .map((s) => `${s.ms} ms ${s.what}`)
        .join('; ')}`,
    );
    assert.deepEqual(problems.slice(0, 20), [], `seed ${seed}: ${problems.length} problems`);

    // Every normal send reached its recipient.
    const res = await fetch(`${child.url}/fetch_messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: 'bob', password: pw.bob, last_id: '' }),
    });
    assert.equal(res.status, 200);
    const got = new Set(
      ((await res.json()) as { received_smss: Array<{ sms_text: string }> }).received_smss.map(
        (m) => m.sms_text,
      ),
    );
    assert.equal(normalTexts.length, HOSTILE / NORMAL_EVERY);
    for (const body of normalTexts) assert.ok(got.has(body), `bob did not get "${body}"`);

    peakRss = Math.max(peakRss, rssMb(pid));
    t.diagnostic(`server RSS peak ${Math.round(peakRss)} MB, now ${Math.round(rssMb(pid))} MB`);
    assert.ok(peakRss < RSS_LIMIT_MB, `seed ${seed}: the server's RSS reached ${Math.round(peakRss)} MB`);
  } finally {
    clearInterval(sampler);
    child.proc.kill('SIGTERM');
    await child.exited;
  }
});
