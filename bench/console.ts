/**
 * The console's load time on a large store: N messages (default 1,000,000) written straight into a
 * fresh embedded store in large transactions, spread over the last 30 days, then a real service
 * (admin listener) timed on the calls the console's first pages make (dashboard: stats for the hour
 * and the day, carriers, refused webhooks; messages: the first page unfiltered, by status, by account,
 * by number; one message with its timeline), the query plan of each search (which index it walks),
 * and the page loads in headless Chromium (sign-in to a drawn dashboard; the messages page).
 * Usage: npm run bench:console [-- messages=1000000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { chromium } from 'playwright-core';
import { buildConfig } from '../src/config/index.js';
import { openAdmin, openStore, startService } from '../src/main/index.js';
import { SQLITE_FILE } from '../src/store/engine/db.js';
import { searchMessagesQuery } from '../src/store/sql/admin-messages.js';

const TOTAL = Number(process.argv[2] ?? 1_000_000);
const ACCOUNTS = 50;
const DAY = 86_400_000;
const now = Date.now();
const dataDir = mkdtempSync(path.join(tmpdir(), 'tb-bench-console-'));
const config = buildConfig({
  dataDir,
  databaseUrl: '',
  server: { host: '127.0.0.1', port: 0, adminPort: 0 },
  delivery: { worker: false },
});

// Accounts and a token through the use-cases (this migrates the store), then the messages by SQL.
const admin = await openAdmin(config);
const { token } = await admin.tokens.create('bench', false);
for (let a = 0; a < ACCOUNTS; a++) {
  await admin.accounts.add({
    username: `user${a}`,
    password: `bench-password-${a}`,
    numbers: [`+1555000${String(a).padStart(4, '0')}`],
    region: 'US',
  });
}
await admin.close();

const raw = new Database(path.join(dataDir, SQLITE_FILE));
raw.pragma('journal_mode = WAL');
raw.pragma('synchronous = OFF');
const accountIds = (raw.prepare('select id from accounts order by id').all() as Array<{ id: number }>).map(
  (r) => r.id,
);
const insert = raw.prepare(
  `insert into messages (sender_account_id, recipient_account_id, from_addr, to_addr, to_raw, body, content_type,
     status, segments, charge_micros, carrier, carrier_ref, attempts, last_error, created_at, updated_at)
   values (?, ?, ?, ?, ?, ?, 'text/plain', ?, 1, 0, ?, ?, ?, ?, ?, ?)`,
);
const span = 30 * DAY;
const t0 = performance.now();
const BATCH = 50_000;
for (let start = 0; start < TOTAL; start += BATCH) {
  raw.transaction(() => {
    for (let i = start; i < Math.min(TOTAL, start + BATCH); i++) {
      const at = now - span + Math.floor((i * span) / TOTAL);
      const a = accountIds[i % ACCOUNTS]!;
      const own = `+1555000${String(i % ACCOUNTS).padStart(4, '0')}`;
      const other = `+1555${String(7_000_000 + (i % 100_000))}`;
      const kind = i % 10; // 0-6 outbound, 7-8 inbound, 9 on-net
      if (kind <= 6) {
        const failed = i % 97 === 0;
        insert.run(
          a,
          null,
          own,
          other,
          other,
          `bench ${i}`,
          failed ? 'failed' : 'delivered',
          'acme',
          failed ? null : `ref-${i}`,
          1,
          failed ? 'HTTP 400: barred' : null,
          at,
          at,
        );
      } else if (kind <= 8) {
        insert.run(null, a, other, own, own, `bench ${i}`, 'received', 'acme', null, 0, null, at, at);
      } else {
        const b = accountIds[(i + 1) % ACCOUNTS]!;
        insert.run(
          a,
          b,
          own,
          `+1555000${String((i + 1) % ACCOUNTS).padStart(4, '0')}`,
          own,
          `bench ${i}`,
          'received',
          null,
          null,
          0,
          null,
          at,
          at,
        );
      }
    }
  })();
}
const lastId = (raw.prepare('select max(id) as id from messages').get() as { id: number }).id;
const events = raw.prepare('insert into message_events (message_id, at, kind, details) values (?, ?, ?, ?)');
for (const [k, d] of [
  ['accepted', { from: 'user0' }],
  ['routed', { carrier: 'acme' }],
  ['attempt', { carrier: 'acme', outcome: 'sent', answer: 'HTTP 200' }],
  ['receipt', { status: 'delivered' }],
] as const) {
  events.run(lastId, now, k, JSON.stringify(d));
}
raw.pragma('wal_checkpoint(TRUNCATE)');
const fillSeconds = (performance.now() - t0) / 1000;

// Which index each search walks (EXPLAIN QUERY PLAN, https://www.sqlite.org/eqp.html).
const plans: Record<string, string> = {};
{
  const db = await openStore(config);
  const searches = {
    'first page': { limit: 50 },
    'by status failed': { status: 'failed' as const, limit: 50 },
    'by account': { accountId: accountIds[7]!, limit: 50 },
    'by number': { number: '+15557000123', limit: 50 },
  };
  for (const [name, f] of Object.entries(searches)) {
    const c = searchMessagesQuery(db.kysely, f).compile();
    const rows = raw.prepare(`explain query plan ${c.sql}`).all(...(c.parameters as unknown[])) as Array<{
      detail: string;
    }>;
    plans[name] = rows.map((r) => r.detail).join('; ');
  }
  await db.close();
}
raw.close();

const service = await startService(config, pino({ level: 'warn' }));
const base = service.adminUrl!;
// Let the service's start-up work (sweeps, prunes) settle, as an operator's first visit would.
await new Promise((r) => setTimeout(r, 3_000));
const iso = (t: number) => new Date(t).toISOString();
const calls: Record<string, string> = {
  'stats, last hour': `/stats/messages?since=${iso(now - 3_600_000)}`,
  'stats, last day': `/stats/messages?since=${iso(now - DAY)}`,
  carriers: '/carriers',
  'refused webhooks': '/webhooks/refused?limit=1000',
  'messages, first page': '/messages?limit=50',
  'messages, failed': '/messages?status=failed&limit=50',
  'messages, by account': '/messages?account=user7&limit=50',
  'messages, by number (no index)': '/messages?number=%2B15557000123&limit=50',
  'one message and its timeline': `/messages/${lastId}`,
};
const timings: Record<string, { first: number; median: number; max: number }> = {};
for (const [name, p] of Object.entries(calls)) {
  const ms: number[] = [];
  for (let i = 0; i < 7; i++) {
    const s = performance.now();
    const res = await fetch(`${base}/admin/v1${p}`, { headers: { authorization: `Bearer ${token}` } });
    await res.text();
    if (res.status !== 200) throw new Error(`${name}: ${res.status}`);
    ms.push(performance.now() - s);
  }
  const sorted = [...ms].sort((a, b) => a - b);
  timings[name] = { first: Math.round(ms[0]!), median: Math.round(sorted[3]!), max: Math.round(sorted[6]!) };
}

// The page in the browser: from navigation to a drawn dashboard (sign-in included), then messages.
const browser = await chromium.launch({
  executablePath: process.env['TEXTBRIDGE_TEST_CHROMIUM'] ?? '/usr/bin/chromium',
  args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const loads: Record<string, number[]> = {
  'sign-in page': [],
  'dashboard after sign-in': [],
  'messages page': [],
};
for (let i = 0; i < 3; i++) {
  const s = performance.now();
  await page.goto(`${base}/console/`);
  await page.getByLabel('Admin token').waitFor();
  loads['sign-in page']!.push(performance.now() - s);
  await page.getByLabel('Admin token').fill(token);
  const d = performance.now();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('[data-carrier="acme"]').first().waitFor();
  await page.locator('.chart').nth(1).waitFor();
  loads['dashboard after sign-in']!.push(performance.now() - d);
  const m = performance.now();
  await page.goto(`${base}/console/#/messages`);
  await page.getByTestId('messages').waitFor();
  loads['messages page']!.push(performance.now() - m);
  await page.evaluate('sessionStorage.clear()');
}
await browser.close();
await service.close();
if (process.env['KEEP'] === '1') console.error(`store kept in ${dataDir}`);
else rmSync(dataDir, { recursive: true, force: true });

const ms = (v: number[]) => Math.round([...v].sort((a, b) => a - b)[1]!);
console.log(
  JSON.stringify(
    {
      messages: TOTAL,
      fillSeconds: Number(fillSeconds.toFixed(1)),
      apiMs: timings,
      plans,
      pageLoadMedianMs: Object.fromEntries(Object.entries(loads).map(([k, v]) => [k, ms(v)])),
    },
    null,
    2,
  ),
);
