/**
 * What an object spread costs in this Node, in the shapes the hot path had and has now
 * (docs/benchmarks.md, "Object spreads on the hot path"). On Node 20 (V8 11) a spread followed by a
 * field the spread object lacks (`{ ...message, id }`) takes V8's runtime path: 0.5-8 µs an object
 * instead of tens of ns. Node 22 and 24 are fast either way. Each line: ns per object, building
 * 300,000 objects from 1,000 sources of one shape, after one unreported warm-up pass.
 * Usage: npm run bench:spread (or node --import tsx bench/object-spread.ts under any Node).
 */

type Source = Record<string, unknown>;

const message = (i: number): Source => ({
  senderAccountId: 1,
  recipientAccountId: null,
  from: '+15550100',
  to: `+4477009${i}`,
  toRaw: 'x',
  body: `hello ${i}`,
  contentType: 'text/plain',
  dispositionNotification: null,
  smart: false,
  status: 'queued',
  segments: 1,
  chargeMicros: 100,
  requestId: `r${i}`,
});
const pdu = (i: number): Source => ({
  source_addr_ton: 1,
  source_addr_npi: 1,
  source_addr: '15550100',
  dest_addr_ton: 1,
  dest_addr_npi: 1,
  destination_addr: `4477009${i}`,
  registered_delivery: 0,
  data_coding: 0,
  esm_class: 0,
});
const request = (i: number): Source => ({
  to: `+4477009${i}`,
  body: 'x',
  smart: false,
  contentType: 'text/plain',
  dispositionNotification: null,
});

const cases: Array<[string, (i: number) => Source, (s: Source, i: number) => unknown]> = [
  [
    'first attempt: { ...message, id, … 9 new fields }',
    message,
    (m, i) => ({
      ...m,
      id: i,
      carrier: null,
      carrierRef: null,
      attempts: 0,
      lastError: null,
      displayed: false,
      createdAt: i,
      updatedAt: i,
    }),
  ],
  [
    'first attempt: field by field (now)',
    message,
    (m, i) => ({
      id: i,
      senderAccountId: m['senderAccountId'],
      recipientAccountId: m['recipientAccountId'],
      from: m['from'],
      to: m['to'],
      toRaw: m['toRaw'],
      body: m['body'],
      contentType: m['contentType'],
      dispositionNotification: m['dispositionNotification'],
      status: m['status'],
      segments: m['segments'],
      chargeMicros: m['chargeMicros'],
      carrier: null,
      carrierRef: null,
      attempts: 0,
      lastError: null,
      displayed: false,
      createdAt: i,
      updatedAt: i,
    }),
  ],
  ['SMPP PDU: { ...base, short_message } (new field)', pdu, (b) => ({ ...b, short_message: 1 })],
  [
    'SMPP PDU: { ...base, short_message } (override, now)',
    (i) => ({ short_message: null, ...pdu(i) }),
    (b) => ({ ...b, short_message: 1 }),
  ],
  ['route: { ...request, requestId }', request, (r) => ({ ...r, requestId: 'x' })],
  ['route: { requestId, ...request } (now)', request, (r) => ({ requestId: 'x', ...r })],
];

console.log(`Node ${process.version}: ns per object`);
for (const [name, make, build] of cases) {
  const sources = Array.from({ length: 1_000 }, (_, i) => make(i));
  let ns = 0;
  for (let pass = 0; pass < 2; pass++) {
    let kept = 0;
    const t = process.hrtime.bigint();
    for (let k = 0; k < 300; k++) for (let i = 0; i < 1_000; i++) if (build(sources[i]!, i)) kept++;
    ns = Number(process.hrtime.bigint() - t) / 300_000;
    if (kept !== 300_000) throw new Error('every object is built');
  }
  console.log(`${ns.toFixed(0).padStart(6)}  ${name}`);
}
