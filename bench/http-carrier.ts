/**
 * How many sends per second one generic HTTP adapter pushes to the loopback fake carrier
 * (target for the whole engine: ≥3,000 msg/s on 2 cores, so the adapter must stay well above).
 * Run: node --import tsx bench/http-carrier.ts [total] [inFlight]
 */
import { getEventListeners, setMaxListeners } from 'node:events';
import { HttpKeys } from '../src/carriers/http/config.js';
import { makeHttpGenericCarrier } from '../src/carriers/http/generic.js';
import { withDefaults } from '../src/carriers/with-defaults.js';
import { startFakeHttpCarrier } from '../test/helpers/fake-http-carrier.js';

const total = Number(process.argv[2] ?? 20_000);
const inFlight = Number(process.argv[3] ?? 64);
const fake = await startFakeHttpCarrier({ record: false });
const carrier = makeHttpGenericCarrier(
  withDefaults(HttpKeys, {
    name: 'bench',
    method: 'POST',
    url: `${fake.url}/send`,
    body: '{"from":"%from%","to":"%to%","text":"%body%"}',
    messageId: 'id',
  }),
);
const signal = new AbortController().signal;
// One stop signal shared by every in-flight send, as a dispatcher would pass: undici adds one abort
// listener per request in flight, so lift Node's leak warning for this signal.
setMaxListeners(0, signal);
let next = 0;
let failed = 0;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: inFlight }, async () => {
    while (next < total) {
      const i = next++;
      const out = await carrier.send(
        { smsId: String(i), from: '+15550001111', to: '+15552223333', body: 'bench' },
        signal,
      );
      if (!out.ok) failed++;
    }
  }),
);
const secs = (performance.now() - t0) / 1000;
const listenersLeft = getEventListeners(signal, 'abort').length;
console.log(JSON.stringify({ total, inFlight, failed, perSecond: Math.round(total / secs), listenersLeft }));
await carrier.close?.();
await fake.close();
