/**
 * Fetch Messages latency (issue #4): p50 and p99 at 64 connections against an account holding
 * 100,000 messages, on the real service (fastify + the configured store) over loopback HTTP.
 * Two request shapes, as the app sends them:
 * - `caught-up`: last_id = the newest id (the usual 30-60 s poll): empty arrays, 3 index lookups;
 * - `page`: no id (first run / foreign id): the newest 100 received and 100 sent, about 25 KB of JSON.
 * Run: npm run bench:fetch [-- messages seconds connections]   (DATABASE_URL=postgres://… for PostgreSQL)
 */
import { createWriteStream, mkdtempSync } from 'node:fs';
import { devNull, tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { makeAccountAdmin } from '../src/app/accounts.js';
import { systemClock } from '../src/app/ports.js';
import { buildConfig } from '../src/config.js';
import { makeLogger, startService } from '../src/main.js';
import { makeAdminStore } from '../src/store/admin.js';
import type { MessagesTable } from '../src/store/schema.js';

const total = Number(process.argv[2] ?? 100_000);
const seconds = Number(process.argv[3] ?? 10);
const connections = Number(process.argv[4] ?? 64);

const config = buildConfig(
  {
    dataDir: mkdtempSync(path.join(tmpdir(), 'tb-bench-fetch-')),
    server: { host: '127.0.0.1', port: 0 },
    push: { enabled: false },
  },
  {},
  { DATABASE_URL: process.env['DATABASE_URL'] ?? '' },
);
const svc = await startService(config, makeLogger({ log: { level: 'warn' } }, createWriteStream(devNull)));
const admin = makeAccountAdmin(makeAdminStore(svc.db), systemClock);
await admin.add({ username: 'alice', password: 'bench-pw', numbers: ['+15550000001'], region: 'US' });
await admin.add({ username: 'bob', password: 'bench-pw', numbers: ['+15550000002'], region: 'US' });
const ids = await svc.db.kysely.selectFrom('accounts').select(['id', 'username']).execute();
const alice = Number(ids.find((r) => r.username === 'alice')!.id);
const bob = Number(ids.find((r) => r.username === 'bob')!.id);

// Half received, half sent; already displayed, so every fetch is read-only (as a steady state is).
const t0 = performance.now();
const now = Date.now() - total;
for (let start = 0; start < total; start += 5_000) {
  const rows: Array<Omit<MessagesTable, 'id'>> = [];
  for (let i = start; i < Math.min(total, start + 5_000); i++) {
    const incoming = i % 2 === 0;
    rows.push({
      sender_account_id: incoming ? bob : alice,
      recipient_account_id: incoming ? alice : bob,
      from_addr: incoming ? '+15550000002' : '+15550000001',
      to_addr: incoming ? '+15550000001' : '+15550000002',
      to_raw: '',
      body: `message number ${i} with a little text to look like a real one`,
      content_type: 'text/plain',
      disposition_notification: null,
      smart: 0,
      status: 'delivered',
      segments: 1,
      charge_micros: 0,
      carrier: null,
      carrier_ref: null,
      attempts: 0,
      last_error: null,
      displayed: 1,
      created_at: now + i,
      updated_at: now + i,
      inbound_key: null,
    });
  }
  await svc.db.kysely.transaction().execute(async (trx) => {
    for (let j = 0; j < rows.length; j += 500)
      await trx
        .insertInto('messages')
        .values(rows.slice(j, j + 500))
        .execute();
  });
}
console.log(
  `stored ${total} messages in ${((performance.now() - t0) / 1000).toFixed(1)} s (${svc.db.dialect})`,
);
// The app's cursors are per side: the newest received id and the newest sent id.
const newestOn = async (side: 'recipient_account_id' | 'sender_account_id') =>
  String(
    (
      await svc.db.kysely
        .selectFrom('messages')
        .select((eb) => eb.fn.max('id').as('id'))
        .where(side, '=', alice)
        .executeTakeFirstOrThrow()
    ).id,
  );
const lastId = await newestOn('recipient_account_id');
const lastSentId = await newestOn('sender_account_id');

async function run(name: string, body: object) {
  const result = await autocannon({
    url: `${svc.url}/fetch_messages`,
    method: 'POST',
    body: JSON.stringify(body),
    connections,
    duration: seconds,
  });
  const bad = result.non2xx + result.errors;
  console.log(
    `${name.padEnd(10)} ${connections} conns: ${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms, non-2xx/errors ${bad}`,
  );
}

const creds = { username: 'alice', password: 'bench-pw' };
await run('warm-up', { ...creds, last_id: lastId, last_sent_id: lastSentId });
await run('caught-up', { ...creds, last_id: lastId, last_sent_id: lastSentId });
await run('page', { ...creds, last_id: '', last_sent_id: '' });
await svc.close();
