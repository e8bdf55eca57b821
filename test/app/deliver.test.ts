/**
 * The deliver job against a real store (SQLite, or PostgreSQL in the second run) and real HTTP carriers
 * on loopback fakes: what each carrier answer leaves in the messages, carrier_refs, jobs and accounts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpKeys } from '../../src/carriers/http/config.js';
import { makeHttpGenericCarrier } from '../../src/carriers/http/generic.js';
import { withDefaults } from '../../src/carriers/with-defaults.js';
import { insertJobs } from '../../src/store/sql/messages.js';
import { CHARGE, carrier, credit, fake, jobs, messageRow, NOW, world } from '../helpers/deliver-world.js';
import { reply } from '../helpers/fake-http-carrier.js';

test('an accepted message is stored as sent with its carrier id, and its job is gone', async () => {
  const c = await fake();
  const w = await world([carrier('main', c)], { carrier: 'main' });
  const a = await w.deliver.attempt(w.job, AbortSignal.timeout(5_000));
  assert.deepEqual(a.outcome, { done: true, recorded: true });
  assert.equal(a.carrier, 'main');
  const m = await messageRow(w);
  assert.equal(m.status, 'sent');
  assert.equal(m.carrier, 'main');
  assert.equal(m.carrier_ref, 'fake-0');
  assert.equal(Number(m.attempts), 1);
  const refs = await w.db.kysely.selectFrom('carrier_refs').selectAll().execute();
  assert.deepEqual(
    refs.map((r) => [r.carrier, r.ref, Number(r.message_id), Number(r.part)]),
    [['main', 'fake-0', w.messageId, 1]],
  );
  assert.deepEqual(await jobs(w), []);
});

test('a job left behind by a crash after its message was sent ends without sending it again', async () => {
  const c = await fake();
  const w = await world([carrier('main', c)], { carrier: 'main' });
  await w.deliver.attempt(w.job, AbortSignal.timeout(5_000));
  // Its lease ended before the outcome was seen (or an older version left the job): it runs again.
  const again = await w.deliver.attempt(w.job, AbortSignal.timeout(5_000));
  assert.deepEqual(again.outcome, { done: true });
  assert.equal(c.count(), 1, 'the carrier saw the message once');
});

test('an operator retry leaves the message exactly one deliver job, even with one left behind', async () => {
  const c = await fake({ behaviour: () => reply.json(400, { message: 'Invalid destination number' }) });
  const w = await world([carrier('main', c)], { carrier: 'main' });
  await w.deliver.attempt(w.job, AbortSignal.timeout(5_000));
  // A row of an earlier send that a crash kept from being swept.
  await insertJobs(w.db.kysely, ['deliver'], w.messageId, NOW, { owner: 'dead-worker', ms: 60_000 });
  assert.equal(await w.store.requeue(w.messageId), true);
  const left = await jobs(w);
  assert.equal(left.length, 1);
  assert.equal(left[0]!.locked_by, null, 'the new job, free to claim');
});

test('a transient failure puts the message back in the queue with a backoff and the reason', async () => {
  const c = await fake({ behaviour: () => reply.text(503, 'maintenance') });
  const w = await world([carrier('main', c)], { carrier: 'main' });
  const a = await w.deliver.attempt(w.job, AbortSignal.timeout(5_000));
  // First retry: full jitter over [0, baseMs), the dice fixed at 0.5.
  assert.deepEqual(a.outcome, {
    done: false,
    retryAt: NOW + 500,
    error: a.outcome.done ? '' : a.outcome.error,
    recorded: true,
  });
  const m = await messageRow(w);
  assert.equal(m.status, 'queued');
  assert.match(m.last_error!, /^main: /);
  assert.equal(Number(m.attempts), 1);
  const [job] = await jobs(w);
  assert.equal(Number(job!.run_at), NOW + 500);
  assert.equal(job!.locked_by, null, 'the lease is released');
  assert.equal(await credit(w), 1_000_000 - CHARGE, 'nothing refunded: it is still being delivered');
});

test('a permanent refusal fails the message, refunds its charge and bounces a notice to the sender', async () => {
  const c = await fake({ behaviour: () => reply.json(400, { message: 'Invalid destination number' }) });
  const w = await world([carrier('main', c)], { carrier: 'main' });
  const a = await w.deliver.attempt(w.job, AbortSignal.timeout(5_000));
  assert.equal(a.refusal?.kind !== undefined, true);
  assert.match(a.refusal!.reason, /Invalid destination number/);
  const m = await messageRow(w);
  assert.equal(m.status, 'failed');
  assert.equal(Number(m.charge_micros), 0);
  assert.equal(await credit(w), 1_000_000, 'the charge came back');
  const bounce = await w.db.kysely
    .selectFrom('messages')
    .selectAll()
    .where('recipient_account_id', '=', w.accountId)
    .executeTakeFirstOrThrow();
  assert.equal(bounce.status, 'received');
  assert.equal(bounce.from_addr, '+15557654321');
  assert.match(bounce.body, /^Message to \+15557654321 could not be delivered: .*Invalid destination number/);
  assert.deepEqual(await jobs(w), []);
});

test('transient failures try the failover carriers in their configured order', async () => {
  const order: string[] = [];
  const down = (name: string) => () => {
    order.push(name);
    return reply.text(503, 'down');
  };
  const a = await fake({ behaviour: down('a') });
  const b = await fake({ behaviour: down('b') });
  const c = await fake({
    behaviour: (_r, n) => {
      order.push('c');
      return reply.ok(`c-${n}`);
    },
  });
  const w = await world([carrier('c', c), carrier('a', a), carrier('b', b)], {
    carrier: 'a',
    failover: ['b', 'c'],
  });
  const r = await w.deliver.attempt(w.job, AbortSignal.timeout(5_000));
  assert.equal(r.carrier, 'c');
  assert.deepEqual(order, ['a', 'b', 'c']);
  const m = await messageRow(w);
  assert.equal(m.status, 'sent');
  assert.equal(m.carrier, 'c');
  // With failover the timeline says the order first, then one attempt per carrier.
  const events = await w.db.kysely
    .selectFrom('message_events')
    .select(['kind', 'details'])
    .where('message_id', '=', w.messageId)
    .orderBy('id')
    .execute();
  assert.deepEqual(
    events.map((e) => [e.kind, JSON.parse(e.details).carriers ?? JSON.parse(e.details).carrier]),
    [
      ['routed', ['a', 'b', 'c']],
      ['attempt', 'a'],
      ['attempt', 'b'],
      ['attempt', 'c'],
    ],
  );
});

test('with one carrier on the route, no routed event: the attempt names the carrier', async () => {
  const c = await fake();
  const w = await world([carrier('main', c)], { carrier: 'main' });
  await w.deliver.attempt(w.job, AbortSignal.timeout(5_000));
  const events = await w.db.kysely
    .selectFrom('message_events')
    .select(['kind', 'details'])
    .where('message_id', '=', w.messageId)
    .execute();
  assert.deepEqual(
    events.map((e) => [e.kind, JSON.parse(e.details).carrier]),
    [['attempt', 'main']],
  );
});

test('a job whose message is no longer queued is dropped without a send', async () => {
  const c = await fake();
  const w = await world([carrier('main', c)], { carrier: 'main' });
  await w.db.kysely.updateTable('messages').set({ status: 'sent' }).execute();
  const a = await w.deliver.attempt(w.job, AbortSignal.timeout(5_000));
  assert.deepEqual(a.outcome, { done: true });
  assert.equal(c.count(), 0);
});

test('a request the carrier configuration cannot build fails the message at its first attempt, naming the key', async () => {
  const c = await fake();
  const broken = makeHttpGenericCarrier(
    withDefaults(HttpKeys, { name: 'main', method: 'POST', url: `http://127.0.0.1:%sms_id%99999/send` }),
  );
  const w = await world([broken], { carrier: 'main' });
  const a = await w.deliver.attempt(w.job, AbortSignal.timeout(5_000));
  assert.equal(a.refusal?.kind, 'rejected');
  const m = await messageRow(w);
  assert.equal(m.status, 'failed', 'not queued for a retry');
  assert.equal(Number(m.attempts), 1);
  assert.equal(m.last_error, 'carrier configuration error: url expands to an invalid URL');
  assert.deepEqual(await jobs(w), []);
  assert.equal(c.count(), 0);
});
