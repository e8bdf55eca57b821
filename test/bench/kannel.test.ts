import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bearerboxDrain, kannelBinaries, kannelSendsms } from '../../bench/kannel.js';
import { startFakeCarrier } from '../../bench/lib.js';

const installed = kannelBinaries() !== undefined;
const skip = installed ? false : 'Kannel is not installed (apt-get install kannel kannel-extras)';

test('without bearerbox and smsbox where it looks, the bench finds no Kannel', () => {
  assert.equal(kannelBinaries(['/nonexistent']), undefined);
});

test('Kannel takes sendsms requests and submits them to the bench SMSC', {
  skip,
  timeout: 60_000,
}, async () => {
  const smsc = await startFakeCarrier('smpp');
  try {
    const r = await kannelSendsms('Hello ✓', smsc.port, 4, 1);
    assert.ok(r.ok > 0, 'some sendsms answered 2xx');
    assert.equal(r.non2xx + r.errors, 0);
    assert.ok((await smsc.ask('count')).count > 0, 'the SMSC got submit_sm');
  } finally {
    await smsc.stop();
  }
});

test('bearerbox queues messages while its SMSC is away and drains every one once it is there', {
  skip,
  timeout: 90_000,
}, async () => {
  const rate = await bearerboxDrain('Hello ✓', 300, 10);
  assert.ok(Number.isFinite(rate) && rate > 0, `a rate: ${rate}`);
});
