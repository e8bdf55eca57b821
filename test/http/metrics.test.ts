import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type FakePush, startFakePush } from '../helpers/fake-push.js';
import { type FakeSmsc, startFakeSmsc } from '../helpers/fake-smsc.js';
import { callOk, sendJson } from '../helpers/http.js';
import { type Scrape, scrape } from '../helpers/metrics.js';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService } from '../helpers/service.js';

// A real service with a real SMPP carrier (the fake SMSC) and push service: every counter of
// GET /metrics moves by exactly what the scenario did, as an independent parser reads it.
const TOKEN = password('metrics-token');
const ALICE_PW = password('alice');
const BOB_PW = password('bob');
let svc: TestService;
let smsc: FakeSmsc;
let push: FakePush;

before(async () => {
  smsc = await startFakeSmsc();
  push = await startFakePush();
  svc = await startTestService({
    carriers: [smsc.carrier({ window: 7 })],
    routes: [{ carrier: 'smsc' }],
    delivery: { pollMs: 20 },
    push: { url: push.url, retryDelaysMs: [50], maxAttempts: 3 },
    metrics: { token: TOKEN },
    rates: { default: 0.01 },
  });
  await svc.admin.add({ username: 'alice', password: ALICE_PW, numbers: ['+15550000001'], region: 'US' });
  await svc.admin.add({ username: 'bob', password: BOB_PW, numbers: ['+15550000002'], region: 'US' });
  await svc.admin.add({
    username: 'carol',
    password: ALICE_PW,
    numbers: ['+15550000003'],
    region: 'US',
    credit: '0',
  });
  await callOk(svc.url, '/push_token', {
    username: 'bob',
    password: BOB_PW,
    selector: 'bob:1',
    pushToken: 'bob-token',
    pushappid: 'app',
  });
  await smsc.waitFor(() => smsc.binds >= 1);
});
after(async () => {
  await svc.close();
  await smsc.close();
  await push.close();
});

/** Scrape until `pred` holds (counts land just after the answer they count), at most 5 s. */
async function scrapeUntil(pred: (s: Scrape) => boolean): Promise<Scrape> {
  const end = Date.now() + 5000;
  for (;;) {
    const s = await scrape(svc.url, TOKEN);
    if (pred(s) || Date.now() > end) return s;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('GET /metrics', () => {
  test('counts exactly the sends, refusals, carrier submits, receipts and pushes a scenario makes', async () => {
    const before = await scrape(svc.url, TOKEN);
    const delta = (s: Scrape, name: string, labels?: Record<string, string>) =>
      s.value(name, labels) - before.value(name, labels);

    for (const body of ['one', 'two']) {
      await callOk(svc.url, '/send_message', {
        from: 'alice',
        password: ALICE_PW,
        to: '+442071838750',
        body,
      });
    }
    await callOk(svc.url, '/send_message', {
      from: 'alice',
      password: ALICE_PW,
      to: '+15550000002',
      body: 'hi',
    });
    const wrongPassword = await sendJson(svc.url, {
      from: 'alice',
      password: BOB_PW,
      to: '+15550000002',
      body: 'x',
    });
    assert.equal(wrongPassword.status, 401);
    const noCredit = await sendJson(svc.url, {
      from: 'carol',
      password: ALICE_PW,
      to: '+442071838750',
      body: 'x',
    });
    assert.equal(noCredit.status, 402);
    await smsc.waitFor(() => smsc.submits.length === 2 && smsc.submits.every((s) => s.messageId !== ''));
    await push.waitFor(() => push.pushes.length === 1);
    smsc.sendReceipt(smsc.submits[0]!.messageId, 'DELIVRD');
    smsc.sendReceipt('no-such-ref', 'UNDELIV');
    await smsc.waitFor(() => smsc.deliverAnswers.length === 2 && smsc.unanswered() === 0, 10_000);

    const after = await scrapeUntil(
      (s) =>
        delta(s, 'textbridge_carrier_submits_total') >= 2 &&
        delta(s, 'textbridge_pushes_total') >= 1 &&
        delta(s, 'textbridge_receipts_total') >= 1 &&
        delta(s, 'textbridge_receipt_misses_total') >= 1,
    );
    const d = (name: string, labels?: Record<string, string>) => delta(after, name, labels);
    assert.equal(d('textbridge_messages_accepted_total', { destination: 'off_net' }), 2);
    assert.equal(d('textbridge_messages_accepted_total', { destination: 'on_net' }), 1);
    assert.equal(d('textbridge_messages_refused_total', { reason: 'unauthorized' }), 1);
    assert.equal(d('textbridge_messages_refused_total', { reason: 'no_credit' }), 1);
    assert.equal(d('textbridge_messages_refused_total'), 2);
    assert.equal(d('textbridge_carrier_submits_total', { carrier: 'smsc', outcome: 'accepted' }), 2);
    assert.equal(d('textbridge_carrier_submits_total'), 2);
    assert.equal(d('textbridge_carrier_submit_duration_seconds', { carrier: 'smsc' }), 2);
    assert.equal(d('textbridge_pushes_total', { outcome: 'ok' }), 1);
    assert.equal(d('textbridge_pushes_total'), 1);
    assert.equal(d('textbridge_receipts_total', { carrier: 'smsc', status: 'delivered' }), 1);
    assert.equal(d('textbridge_receipts_total'), 1);
    assert.ok(d('textbridge_receipt_misses_total', { carrier: 'smsc' }) >= 1);
    const sends = { route: '/send_message', method: 'POST' };
    assert.equal(d('textbridge_http_request_duration_seconds', { ...sends, status: '200' }), 3);
    assert.equal(d('textbridge_http_request_duration_seconds', { ...sends, status: '401' }), 1);
    assert.equal(d('textbridge_http_request_duration_seconds', { ...sends, status: '402' }), 1);
    if (svc.db.dialect === 'sqlite') {
      assert.ok(d('textbridge_store_commit_batch_size') >= 3, 'each accept was group-committed');
      assert.ok(d('textbridge_store_commit_duration_seconds') >= 3);
    }
  });

  test('labels HTTP requests with the route pattern, never the URL', async () => {
    await fetch(`${svc.url}/inbound/no-such-carrier?secret=1`, { method: 'POST', body: '{}' });
    await fetch(`${svc.url}/no/such/path/+15550000001`);
    const s = await scrape(svc.url, TOKEN);
    const routes = new Set(
      s.families
        .find((f) => f.name === 'textbridge_http_request_duration_seconds_count')!
        .metrics.map((m) => m.labels?.['route']),
    );
    assert.ok(routes.has('/inbound/:carrier'), [...routes].join(' '));
    assert.ok(routes.has('unmatched'), [...routes].join(' '));
    assert.ok(![...routes].some((r) => r?.includes('no-such') || r?.includes('+1555')));
    assert.equal(
      s.value('textbridge_inbound_webhooks_total', { carrier: 'other', result: 'unknown_carrier' }),
      1,
    );
  });

  test('reports the build, the carrier link and window, and the default process metrics', async () => {
    const s = await scrape(svc.url, TOKEN);
    const build = s.families.find((f) => f.name === 'textbridge_build_info')!.metrics[0]!;
    assert.equal(build.labels?.['node'], process.version);
    assert.match(build.labels?.['version'] ?? '', /^\d+\.\d+\.\d+/);
    assert.equal(s.value('textbridge_carrier_link_state', { carrier: 'smsc', state: 'up' }), 1);
    assert.equal(s.value('textbridge_carrier_link_state', { carrier: 'smsc', state: 'down' }), 0);
    assert.equal(s.value('textbridge_carrier_window_size', { carrier: 'smsc' }), 7);
    assert.equal(s.value('textbridge_carrier_in_flight', { carrier: 'smsc' }), 0);
    assert.ok(s.value('process_cpu_seconds_total') > 0);
    assert.ok(s.families.some((f) => f.name === 'nodejs_eventloop_lag_seconds'));
  });

  test('reads the outbox at each scrape: jobs by kind and state, and the age of the oldest due one', async () => {
    const now = Date.now();
    // A kind no handler claims, so the dispatcher leaves these rows where they are.
    const job = (runAt: number, lockedUntil: number | null) => ({
      kind: 'metrics-test',
      ref_id: 1,
      run_at: runAt,
      attempts: 0,
      locked_by: lockedUntil === null ? null : 'elsewhere',
      locked_until: lockedUntil,
      created_at: now,
    });
    await svc.db.kysely
      .insertInto('jobs')
      .values([
        job(now - 30_000, null),
        job(now - 1000, null),
        job(now + 60_000, null),
        job(now, now + 60_000),
      ])
      .execute();
    const s = await scrape(svc.url, TOKEN);
    const kind = 'metrics-test';
    assert.equal(s.value('textbridge_outbox_jobs', { kind, state: 'due' }), 2);
    assert.equal(s.value('textbridge_outbox_jobs', { kind, state: 'scheduled' }), 1);
    assert.equal(s.value('textbridge_outbox_jobs', { kind, state: 'leased' }), 1);
    const age = s.value('textbridge_outbox_oldest_due_age_seconds', { kind });
    assert.ok(age >= 30 && age < 60, `age ${age}`);
    await svc.db.kysely.deleteFrom('jobs').where('kind', '=', kind).execute();
    const later = await scrape(svc.url, TOKEN);
    assert.equal(later.value('textbridge_outbox_jobs', { kind }), 0);
  });

  test('is refused with 401 and a message without the bearer token, or with a wrong one', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: `Basic ${TOKEN}` }]) {
      const res = await fetch(`${svc.url}/metrics`, { headers });
      assert.equal(res.status, 401);
      assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
      const body = (await res.json()) as { message: string };
      assert.match(body.message, /bearer token/i);
    }
  });
});

test('GET /metrics is not served on the main port without metrics.token', async () => {
  const bare = await startTestService();
  try {
    const res = await fetch(`${bare.url}/metrics`);
    assert.equal(res.status, 404);
    assert.ok(bare.metrics.registry.getSingleMetric('textbridge_messages_accepted_total'));
  } finally {
    await bare.close();
  }
});
