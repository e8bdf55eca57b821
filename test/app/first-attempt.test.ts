/**
 * When the phone hears from a first attempt: as soon as the carrier took the message (its `sent`
 * outcome is written after), and for a refusal only once the failure is written. A real store and
 * the real deliver use-case against an HTTP carrier on a loopback fake.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { makeFirstAttempt } from '../../src/app/first-attempt.js';
import { makeJobQueue } from '../../src/store/adapters/job-queue.js';
import { carrier, clock, closers, fake, messageRow, queuedMessage, world } from '../helpers/deliver-world.js';
import { reply } from '../helpers/fake-http-carrier.js';

after(async () => {
  for (const close of closers.splice(0)) await close();
});

test('the phone hears 200 once the carrier took it, before the sent outcome is written; it is written after', async () => {
  const c = await fake();
  const w = await world([carrier('main', c)], { carrier: 'main' });
  const first = makeFirstAttempt(makeJobQueue(w.db, clock), w.deliver, { owner: 'test', ms: 60_000 }, clock);
  const answer = await first(w.job, queuedMessage(w.accountId));
  assert.deepEqual(answer, {});
  assert.equal(c.count(), 1, 'the carrier has it');
  assert.equal((await messageRow(w)).status, 'queued', 'answered before the outcome batch was written');
  for (let i = 0; i < 100 && (await messageRow(w)).status !== 'sent'; i++)
    await new Promise((r) => setTimeout(r, 10));
  assert.equal((await messageRow(w)).status, 'sent', 'and the outcome is written right after');
});

test('a refusal reaches the phone only once the failure and its refund are written', async () => {
  const c = await fake({ behaviour: () => reply.json(400, { message: 'Invalid destination number' }) });
  const w = await world([carrier('main', c)], { carrier: 'main' });
  const first = makeFirstAttempt(makeJobQueue(w.db, clock), w.deliver, { owner: 'test', ms: 60_000 }, clock);
  const answer = await first(w.job, queuedMessage(w.accountId));
  assert.equal(answer.refusal?.kind, 'invalid_recipient');
  assert.equal((await messageRow(w)).status, 'failed', 'written before the phone hears it');
});
