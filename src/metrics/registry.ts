/**
 * textbridge's Prometheus metrics: one registry per service, its families declared here, and the
 * cheap counting paths the edges and decorators call. Names follow Prometheus' conventions
 * (https://prometheus.io/docs/practices/naming/): the `textbridge_` prefix, base units (seconds), `_total`
 * on counters. docs/operations.md lists every family with its labels.
 *
 * Counting sits on the send path, so each call finds its label set's cell (made once, kept in a Map)
 * and adds to a field (`cells.ts`); the registry reads the cells when it is scraped. Label sets stay
 * bounded: route patterns, carrier names from the configuration, reasons from the error catalogue.
 */
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { byTwo, FastCounter, FastHistogram } from './cells.js';
import { registerScrapeGauges, type ScrapeSources } from './scrape.js';

/** Seconds: from 0.5 ms (a cached send) to 10 s (a slow carrier). */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Units in one group-commit batch (it holds at most 1000). */
const BATCH_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

/** The label a carrier name gets: itself when configured, else `other` (a name from a URL is not trusted). */
const OTHER = 'other';

export interface MetricsOptions {
  /** textbridge's version (package.json). */
  version: string;
  /** The configured carriers' names: the only values of a `carrier` label (others count as `other`). */
  carriers: readonly string[];
  /** Collect the default process and Node.js metrics (`process_*`, `nodejs_*`). Default true. */
  defaults?: boolean;
}

/** Counting entry points: each one a Map lookup and one increment or observation. */
export interface Metrics {
  /** The registry `GET /metrics` renders. */
  readonly registry: Registry;
  /** One finished HTTP request: its route pattern (never the URL), method, status and duration. */
  request(route: string, method: string, status: number, seconds: number): void;
  /** Send Message accepted a message, for an account here (on-net) or for a carrier (off-net). */
  accepted(onNet: boolean): void;
  /** Send Message refused: `reason` from the error catalogue (`no_credit`, `unauthorized`, …). */
  refused(reason: string): void;
  /** One submit to a carrier: `accepted`, `retryable`, `refused` or `error` (it threw), and its duration. */
  submit(carrier: string, outcome: string, seconds: number): void;
  /**
   * One delivery receipt looked up: counted by status when it found its message, else as a miss (a
   * receipt that comes before its submit's outcome is stored is looked up again, each try a miss).
   */
  receipt(carrier: string, status: string, matched: boolean): void;
  /** One push to one device: `ok`, `gone` (the token is dead), `failed` or `error` (it threw). */
  push(outcome: string): void;
  /** One inbound carrier webhook and what became of it (`done`, `refused`, `malformed`, …). */
  webhook(carrier: string, result: string): void;
  /** One group commit of the embedded store: how many writes it carried and how long it took. */
  commit(batchSize: number, seconds: number): void;
  /** Where the gauges read at each scrape come from; set once the parts exist. */
  scrape(sources: ScrapeSources): void;
}

export function makeMetrics(opts: MetricsOptions): Metrics {
  const registry = new Registry();
  if (opts.defaults !== false) collectDefaultMetrics({ register: registry });
  const known = new Set(opts.carriers);
  const carrier = (name: string) => (known.has(name) ? name : OTHER);

  new Gauge({
    name: 'textbridge_build_info',
    help: 'Always 1; the labels say which textbridge and which Node.js run.',
    labelNames: ['version', 'node'],
    registers: [registry],
  }).set({ version: opts.version, node: process.version }, 1);

  const http = new FastHistogram(
    'textbridge_http_request_duration_seconds',
    'HTTP requests by route pattern, method and status, and how long each took (its _count counts them).',
    ['route', 'method', 'status'],
    LATENCY_BUCKETS,
    registry,
  );
  const accepted = new FastCounter(
    'textbridge_messages_accepted_total',
    'Messages Send Message accepted, by destination: on_net (an account here) or off_net (a carrier).',
    ['destination'],
    registry,
  );
  const refused = new FastCounter(
    'textbridge_messages_refused_total',
    'Send Message requests refused, by reason (the error code without its SMS_ERR_ prefix).',
    ['reason'],
    registry,
  );
  const submits = new FastCounter(
    'textbridge_carrier_submits_total',
    'Submits to a carrier, by carrier and outcome (accepted, retryable, refused, error).',
    ['carrier', 'outcome'],
    registry,
  );
  const submitSeconds = new FastHistogram(
    'textbridge_carrier_submit_duration_seconds',
    "Time from a submit to the carrier's answer, by carrier.",
    ['carrier'],
    LATENCY_BUCKETS,
    registry,
  );
  const receipts = new FastCounter(
    'textbridge_receipts_total',
    'Delivery receipts that found their message, by carrier and status (delivered, failed).',
    ['carrier', 'status'],
    registry,
  );
  const receiptMisses = new FastCounter(
    'textbridge_receipt_misses_total',
    'Receipt lookups that found no message, by carrier (an early receipt is tried again: each try counts).',
    ['carrier'],
    registry,
  );
  const pushes = new FastCounter(
    'textbridge_pushes_total',
    'Pushes to one device through the push service, by outcome (ok, gone, failed, error).',
    ['outcome'],
    registry,
  );
  const webhooks = new FastCounter(
    'textbridge_inbound_webhooks_total',
    'Inbound carrier webhooks, by carrier and result (done, refused, malformed, unknown_number, unknown_carrier).',
    ['carrier', 'result'],
    registry,
  );
  const commitSeconds = new FastHistogram(
    'textbridge_store_commit_duration_seconds',
    'Group commits of the embedded store: from the start of the transaction to durable.',
    [],
    LATENCY_BUCKETS,
    registry,
  );
  const commitSize = new FastHistogram(
    'textbridge_store_commit_batch_size',
    'Writes carried by one group commit of the embedded store.',
    [],
    BATCH_BUCKETS,
    registry,
  );
  const sources = registerScrapeGauges(registry);

  const acceptedOn = accepted.cell('on_net');
  const acceptedOff = accepted.cell('off_net');
  const commitSizeCell = commitSize.cell();
  const commitSecondsCell = commitSeconds.cell();
  // On every request: found through Maps keyed by the route pattern and by method and status.
  const httpCell = byTwo((route: string, status: number) =>
    byTwo((method: string, _: 0) => http.cell(route, method, String(status))),
  );
  const submitCell = byTwo((c: string, outcome: string) => submits.cell(c, outcome));
  const submitSecondsCell = byTwo((c: string, _: 0) => submitSeconds.cell(c));
  return {
    registry,
    request(route, method, status, seconds) {
      httpCell(route, status)(method, 0).observe(seconds);
    },
    accepted(onNet) {
      (onNet ? acceptedOn : acceptedOff).inc();
    },
    refused(reason) {
      refused.cell(reason).inc();
    },
    submit(name, outcome, seconds) {
      const c = carrier(name);
      submitCell(c, outcome).inc();
      submitSecondsCell(c, 0).observe(seconds);
    },
    receipt(name, status, matched) {
      const c = carrier(name);
      if (matched) receipts.cell(c, status).inc();
      else receiptMisses.cell(c).inc();
    },
    push(outcome) {
      pushes.cell(outcome).inc();
    },
    webhook(name, result) {
      const c = carrier(name);
      webhooks.cell(c, result).inc();
    },
    commit(batchSize, seconds) {
      commitSizeCell.observe(batchSize);
      commitSecondsCell.observe(seconds);
    },
    scrape(s) {
      sources.set(s);
    },
  };
}
