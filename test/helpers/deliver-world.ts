/**
 * A world for the deliver job's tests: a real store (SQLite, or PostgreSQL in the second run) holding
 * alice and one queued message with its deliver job, and real HTTP carriers on loopback fakes.
 */
import { after } from 'node:test';
import { type Deliver, makeDeliver } from '../../src/app/deliver.js';
import type { DeliveryStore } from '../../src/app/delivery-ports.js';
import type { CarrierAdapter, Clock, Job, Log } from '../../src/app/ports.js';
import { HttpKeys } from '../../src/carriers/http/config.js';
import { makeHttpGenericCarrier } from '../../src/carriers/http/generic.js';
import { withDefaults } from '../../src/carriers/with-defaults.js';
import { makeDeliveryStore } from '../../src/store/adapters/delivery.js';
import type { Db } from '../../src/store/engine/db.js';
import { insertAccount, insertNumbers } from '../../src/store/sql/accounts.js';
import { insertJobs, insertMessage } from '../../src/store/sql/messages.js';
import { freshDb, textMessage } from './db.js';
import { type FakeHttpCarrier, startFakeHttpCarrier } from './fake-http-carrier.js';

export const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of closers.reverse()) await c();
});

export const NOW = 1_700_000_000_000;
export const clock: Clock = { now: () => NOW };
export const CHARGE = 50_000;

export async function fake(behaviour?: Parameters<typeof startFakeHttpCarrier>[0]): Promise<FakeHttpCarrier> {
  const c = await startFakeHttpCarrier(behaviour);
  closers.push(() => c.close());
  return c;
}

export const carrier = (name: string, c: FakeHttpCarrier): CarrierAdapter =>
  makeHttpGenericCarrier(
    withDefaults(HttpKeys, {
      name,
      method: 'POST',
      url: `${c.url}/send`,
      body: '{"to":"%to%","text":"%body%"}',
      messageId: 'id',
      timeoutMs: 2_000,
    }),
  );

export interface World {
  db: Db;
  store: DeliveryStore;
  deliver: Deliver;
  job: Job;
  messageId: number;
  accountId: number;
}

/** The world's one message, as Send Message stored it (charged, queued, off-net). */
export const queuedMessage = (accountId: number) =>
  textMessage({
    senderAccountId: accountId,
    from: '+15550001111',
    to: '+15557654321',
    body: 'hello',
    chargeMicros: CHARGE,
  });

/** A store with alice (credit 1.00, charged 0.05 for one queued message) and its deliver job. */
export async function world(
  carriers: CarrierAdapter[],
  route: { carrier: string; failover?: string[] },
  opts: { log?: Log; attempts?: number } = {},
): Promise<World> {
  const db = await freshDb();
  closers.push(() => db.close());
  const k = db.kysely;
  const accountId = await insertAccount(k, {
    username: 'alice',
    passwordHash: 'x',
    region: 'US',
    creditMicros: 1_000_000 - CHARGE,
    now: NOW,
  });
  await insertNumbers(k, accountId, ['+15550001111']);
  const messageId = await insertMessage(k, queuedMessage(accountId), NOW);
  await insertJobs(k, ['deliver'], messageId, NOW, { owner: 'test', ms: 60_000 });
  const row = await k.selectFrom('jobs').selectAll().executeTakeFirstOrThrow();
  const job: Job = { id: Number(row.id), kind: 'deliver', refId: messageId, attempts: opts.attempts ?? 0 };
  const store = makeDeliveryStore(db, clock);
  const deliver = makeDeliver({
    store,
    carriers: new Map(carriers.map((c) => [c.name, c])),
    routes: [{ prefixes: [], accounts: [], failover: [], ...route }],
    retry: { maxAttempts: 5, maxAgeMs: 86_400_000, baseMs: 1_000, maxMs: 60_000 },
    clock,
    bounceJobs: [],
    random: () => 0.5,
    ...(opts.log ? { log: opts.log } : {}),
  });
  return { db, store, deliver, job, messageId, accountId };
}

export const messageRow = (w: World) =>
  w.db.kysely.selectFrom('messages').selectAll().where('id', '=', w.messageId).executeTakeFirstOrThrow();
export const jobs = (w: World) => w.db.kysely.selectFrom('jobs').selectAll().execute();
export const credit = async (w: World) =>
  Number(
    (await w.db.kysely.selectFrom('accounts').select('credit_micros').executeTakeFirstOrThrow())
      .credit_micros,
  );
