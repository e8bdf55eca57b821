import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { makeAccountAdmin } from '../../src/app/accounts.js';
import { makeCarrierEvents } from '../../src/app/carrier-events.js';
import { makeInbound } from '../../src/app/inbound.js';
import { type CarrierAdapter, systemClock } from '../../src/app/ports.js';
import { makeSmppAdapter } from '../../src/carriers/smpp/adapter.js';
import { SmppKeys } from '../../src/carriers/smpp/config.js';
import { withDefaults } from '../../src/carriers/with-defaults.js';
import { encodeGsm7 } from '../../src/domain/segments.js';
import { makeAdminStore } from '../../src/store/adapters/admin.js';
import { makePartStore } from '../../src/store/adapters/inbound-parts.js';
import { makeStore } from '../../src/store/adapters/store.js';
import { makeTwoWayStore } from '../../src/store/adapters/two-way.js';
import type { Db } from '../../src/store/engine/db.js';
import { freshDb } from '../helpers/db.js';
import { type FakeSmsc, startFakeSmsc } from '../helpers/fake-smsc.js';
import { password } from '../helpers/secrets.js';

// deliver_sm_resp is the SMSC's proof that we have the message: it goes out only once the message is
// on stable storage, and a store failure is answered with an error so the SMSC sends it again.
// The real SMPP carrier, the real inbound use-case and store, over a fake SMSC on loopback.

let smsc: FakeSmsc;
let db: Db;
let carrier: CarrierAdapter;
/** Each write to the inbox: when it finished; `slowMs` delays it, `fail` makes the next one throw. */
const writes: number[] = [];
const store = { slowMs: 0, fail: 0 };
const logged: string[] = [];

before(async () => {
  smsc = await startFakeSmsc();
  db = await freshDb();
  await makeAccountAdmin(makeAdminStore(db), systemClock).add({
    username: 'alice',
    password: password('alice'),
    numbers: ['+15550000001'],
    region: 'US',
  });
  const s = makeStore(db, systemClock);
  const twoWay = makeTwoWayStore(s, systemClock);
  const slowed = {
    storeKeyed: async (...args: Parameters<typeof twoWay.storeKeyed>) => {
      await new Promise((r) => setTimeout(r, store.slowMs));
      if (store.fail > 0) {
        store.fail--;
        throw new Error('disk full');
      }
      const out = await twoWay.storeKeyed(...args);
      writes.push(performance.now());
      return out;
    },
  };
  const log = {
    error: (_: object, msg: string) => logged.push(msg),
    warn: (_: object, msg: string) => logged.push(msg),
    info: () => {},
  };
  const inbound = makeInbound({
    accounts: s,
    inbox: slowed,
    parts: makePartStore(s),
    jobs: [],
    clock: systemClock,
    outbox: { wake: () => {} },
    log,
  });
  const handleReceipt = async () => ({ matched: true, relayed: false });
  carrier = makeSmppAdapter(
    withDefaults(SmppKeys, {
      name: 'smsc',
      host: '127.0.0.1',
      port: smsc.port,
      systemId: 'textbridge',
      password: 'secret',
    }),
  );
  await carrier.start!(makeCarrierEvents({ inbound, handleReceipt, log }));
});
after(async () => {
  await carrier.close!();
  await smsc.close();
  await db.close();
});

const stored = (body: string) =>
  db.kysely.selectFrom('messages').select('id').where('body', '=', body).execute();

test('deliver_sm_resp waits until the MO message is durable, however slow the store', async () => {
  store.slowMs = 300;
  const sentAt = performance.now();
  smsc.sendMo({ from: '15557654321', to: '15550000001', data: encodeGsm7('slow store') });
  await smsc.waitFor(() => smsc.deliverAnswers.length === 1, 5_000);
  const answer = smsc.deliverAnswers[0]!;
  assert.equal(answer.status, 0);
  assert.equal(writes.length, 1);
  assert.ok(answer.at >= writes[0]!, 'no deliver_sm_resp before the write finished');
  assert.ok(answer.at - sentAt >= 300, `answered after ${Math.round(answer.at - sentAt)} ms`);
  assert.equal((await stored('slow store')).length, 1);
  store.slowMs = 0;
});

test('a store failure is answered ESME_RSYSERR and logged, and the SMSC resend is stored once', async () => {
  smsc.deliverAnswers.length = 0;
  store.fail = 1;
  smsc.sendMo({ from: '15557654321', to: '15550000001', data: encodeGsm7('second try') });
  await smsc.waitFor(() => smsc.deliverAnswers.some((a) => a.status === 0), 5_000);
  assert.deepEqual(
    smsc.deliverAnswers.map((a) => a.status),
    [0x08, 0],
  );
  assert.ok(logged.some((m) => m.startsWith('storing an inbound SMS failed')));
  assert.equal((await stored('second try')).length, 1);
  assert.equal(smsc.unanswered(), 0);
});
