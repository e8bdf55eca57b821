/**
 * The SMPP window and the crash bound are two limits: a window slot is free again at its
 * submit_sm_resp, while the deliver job holds an "unrecorded" slot until the outcome is durable. With
 * the outcomes' commit held back, the SMSC keeps receiving submits past the window, and stops exactly
 * at `maxUnrecorded`: what a crash at that moment could send twice.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { makeDeliver } from '../../src/app/deliver.js';
import type { DeliveryStore } from '../../src/app/delivery-ports.js';
import type { Job } from '../../src/app/ports.js';
import { makeSmppAdapter } from '../../src/carriers/smpp/adapter.js';
import { SmppKeys, unrecordedBound } from '../../src/carriers/smpp/config.js';
import { withDefaults } from '../../src/carriers/with-defaults.js';
import { buildConfig } from '../../src/config/index.js';
import { makeDeliveryStore } from '../../src/store/adapters/delivery.js';
import { recordEvents } from '../helpers/carrier-events.js';
import { freshDb, queueMessages } from '../helpers/db.js';
import { startFakeSmsc } from '../helpers/fake-smsc.js';

const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of closers.reverse()) await c();
});

test('submits go on past the SMPP window while outcomes wait for their commit, up to maxUnrecorded', async () => {
  const WINDOW = 2;
  const UNRECORDED = 12;
  const TOTAL = 30;
  const smsc = await startFakeSmsc();
  closers.push(() => smsc.close());
  const db = await freshDb();
  closers.push(() => db.close());
  const carrier = makeSmppAdapter(
    withDefaults(SmppKeys, {
      name: 'smsc',
      host: '127.0.0.1',
      port: smsc.port,
      systemId: 'textbridge',
      password: 'secret',
      window: WINDOW,
      maxUnrecorded: UNRECORDED,
    }),
  );
  await carrier.start!(recordEvents().carrierEvents);
  closers.push(() => carrier.close!());

  // The real store, with its `sent` commits held until `release()`.
  const real = makeDeliveryStore(db, { now: Date.now });
  let release!: () => void;
  const held = new Promise<void>((r) => {
    release = r;
  });
  let recorded = 0;
  const store: DeliveryStore = {
    ...real,
    recordSent: async (s) => {
      await held;
      await real.recordSent(s);
      recorded++;
    },
  };
  const deliver = makeDeliver({
    store,
    carriers: new Map([[carrier.name, carrier]]),
    routes: [{ carrier: 'smsc', prefixes: [], accounts: [], failover: [] }],
    retry: { maxAttempts: 5, maxAgeMs: 86_400_000, baseMs: 1_000, maxMs: 60_000 },
    clock: { now: Date.now },
    bounceJobs: [],
  });
  const ids = await queueMessages(db, TOTAL, (i) => ({
    senderAccountId: null,
    from: '+15550001111',
    to: `+1555${String(i).padStart(7, '0')}`,
    body: `message ${i}`,
  }));
  const rows = await db.kysely.selectFrom('jobs').select(['id', 'ref_id']).execute();
  const jobs: Job[] = rows.map((r) => ({
    id: Number(r.id),
    kind: 'deliver',
    refId: Number(r.ref_id),
    attempts: 0,
  }));
  assert.equal(jobs.length, TOTAL);
  const signal = new AbortController().signal;
  const attempts = jobs.map((j) => deliver.attempt(j, signal));

  await smsc.waitFor(() => smsc.submits.length >= UNRECORDED, 5_000);
  // Give any submit past the bound time to arrive: none may.
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(smsc.submits.length, UNRECORDED, 'the SMSC saw exactly maxUnrecorded submits, not the window');
  assert.equal(recorded, 0);
  assert.equal(deliver.hasCapacity('smsc'), false, 'no room while the bound is reached');

  release();
  const outcomes = await Promise.all(attempts);
  assert.ok(outcomes.every((a) => a.outcome.done));
  assert.equal(smsc.submits.length, TOTAL);
  const sent = await db.kysely
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'sent')
    .where('id', 'in', ids)
    .executeTakeFirstOrThrow();
  assert.equal(Number(sent.n), TOTAL);
  assert.equal(deliver.hasCapacity('smsc'), true);
});

test('maxUnrecorded below the window is refused at load, naming the key', () => {
  const carrier = {
    name: 'smsc',
    type: 'smpp',
    host: '127.0.0.1',
    port: 2775,
    systemId: 'textbridge',
    password: 'secret',
  };
  assert.throws(
    () => buildConfig({ carriers: [{ ...carrier, window: 50, maxUnrecorded: 20 }] }),
    /carriers\[0\]\.maxUnrecorded must be at least window \(50\)/,
  );
  assert.equal(unrecordedBound({ window: 10 }), 200);
  assert.equal(unrecordedBound({ window: 500 }), 1_000);
  assert.equal(unrecordedBound({ window: 10, maxUnrecorded: 30 }), 30);
});
