/**
 * textbridge's Prometheus metrics: one registry per service, its families declared here, and the
 * cheap counting paths the edges and decorators call. Names follow Prometheus' conventions
 * (https://prometheus.io/docs/practices/naming/): the `textbridge_` prefix, base units (seconds), `_total`
 * on counters. docs/operations.md lists every family with its labels.
 *
 * Counting sits on the send path, so each call finds its pre-bound child (`labels()` once per label
 * set, kept in a Map) and does one increment or one histogram observation; label sets stay bounded:
 * route patterns, carrier names from the configuration, reasons from the error catalogue.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
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

/** A counter or histogram child per label set, bound once. */
function cached<C>(bind: (...values: string[]) => C): (key: string, ...values: string[]) => C {
  const children = new Map<string, C>();
  return (key, ...values) => {
    let c = children.get(key);
    if (c === undefined) {
      c = bind(...values);
      children.set(key, c);
    }
    return c;
  };
}

export function makeMetrics(opts: MetricsOptions): Metrics {
  const registry = new Registry();
  const registers = [registry];
  if (opts.defaults !== false) collectDefaultMetrics({ register: registry });
  const known = new Set(opts.carriers);
  const carrier = (name: string) => (known.has(name) ? name : OTHER);

  new Gauge({
    name: 'textbridge_build_info',
    help: 'Always 1; the labels say which textbridge and which Node.js run.',
    labelNames: ['version', 'node'],
    registers,
  }).set({ version: opts.version, node: process.version }, 1);

  const http = new Histogram({
    name: 'textbridge_http_request_duration_seconds',
    help: 'HTTP requests by route pattern, method and status, and how long each took (its _count counts them).',
    labelNames: ['route', 'method', 'status'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const accepted = new Counter({
    name: 'textbridge_messages_accepted_total',
    help: 'Messages Send Message accepted, by destination: on_net (an account here) or off_net (a carrier).',
    labelNames: ['destination'],
    registers,
  });
  const refused = new Counter({
    name: 'textbridge_messages_refused_total',
    help: 'Send Message requests refused, by reason (the error code without its SMS_ERR_ prefix).',
    labelNames: ['reason'],
    registers,
  });
  const submits = new Counter({
    name: 'textbridge_carrier_submits_total',
    help: 'Submits to a carrier, by carrier and outcome (accepted, retryable, refused, error).',
    labelNames: ['carrier', 'outcome'],
    registers,
  });
  const submitSeconds = new Histogram({
    name: 'textbridge_carrier_submit_duration_seconds',
    help: "Time from a submit to the carrier's answer, by carrier.",
    labelNames: ['carrier'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const receipts = new Counter({
    name: 'textbridge_receipts_total',
    help: 'Delivery receipts that found their message, by carrier and status (delivered, failed).',
    labelNames: ['carrier', 'status'],
    registers,
  });
  const receiptMisses = new Counter({
    name: 'textbridge_receipt_misses_total',
    help: 'Receipt lookups that found no message, by carrier (an early receipt is tried again: each try counts).',
    labelNames: ['carrier'],
    registers,
  });
  const pushes = new Counter({
    name: 'textbridge_pushes_total',
    help: 'Pushes to one device through the push service, by outcome (ok, gone, failed, error).',
    labelNames: ['outcome'],
    registers,
  });
  const webhooks = new Counter({
    name: 'textbridge_inbound_webhooks_total',
    help: 'Inbound carrier webhooks, by carrier and result (done, refused, malformed, unknown_number, unknown_carrier).',
    labelNames: ['carrier', 'result'],
    registers,
  });
  const commitSeconds = new Histogram({
    name: 'textbridge_store_commit_duration_seconds',
    help: 'Group commits of the embedded store: from the start of the transaction to durable.',
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const commitSize = new Histogram({
    name: 'textbridge_store_commit_batch_size',
    help: 'Writes carried by one group commit of the embedded store.',
    buckets: BATCH_BUCKETS,
    registers,
  });
  const sources = registerScrapeGauges(registry);

  const httpChild = cached((...v) => http.labels(...v));
  const acceptedOn = accepted.labels('on_net');
  const acceptedOff = accepted.labels('off_net');
  const refusedChild = cached((...v) => refused.labels(...v));
  const submitChild = cached((...v) => submits.labels(...v));
  const submitSecondsChild = cached((...v) => submitSeconds.labels(...v));
  const receiptChild = cached((...v) => receipts.labels(...v));
  const missChild = cached((...v) => receiptMisses.labels(...v));
  const pushChild = cached((...v) => pushes.labels(...v));
  const webhookChild = cached((...v) => webhooks.labels(...v));

  return {
    registry,
    request(route, method, status, seconds) {
      httpChild(`${status} ${method} ${route}`, route, method, String(status)).observe(seconds);
    },
    accepted(onNet) {
      (onNet ? acceptedOn : acceptedOff).inc();
    },
    refused(reason) {
      refusedChild(reason, reason).inc();
    },
    submit(name, outcome, seconds) {
      const c = carrier(name);
      submitChild(`${outcome} ${c}`, c, outcome).inc();
      submitSecondsChild(c, c).observe(seconds);
    },
    receipt(name, status, matched) {
      const c = carrier(name);
      if (matched) receiptChild(`${status} ${c}`, c, status).inc();
      else missChild(c, c).inc();
    },
    push(outcome) {
      pushChild(outcome, outcome).inc();
    },
    webhook(name, result) {
      const c = carrier(name);
      webhookChild(`${result} ${c}`, c, result).inc();
    },
    commit(batchSize, seconds) {
      commitSize.observe(batchSize);
      commitSeconds.observe(seconds);
    },
    scrape(s) {
      sources.set(s);
    },
  };
}
