/**
 * Gauges read when Prometheus scrapes, not kept up to date on every change: the outbox (one grouped
 * query per scrape) and each carrier's link and window (read from the adapters). A source that fails
 * leaves its gauges empty for that scrape rather than failing the whole answer.
 */
import { Gauge, type Registry } from 'prom-client';

/** Pending jobs of one kind in one state, and the earliest `run_at` among them. */
export interface OutboxCount {
  kind: string;
  /** `due`: may be claimed now; `leased`: a worker holds it; `scheduled`: waits for its retry time. */
  state: 'due' | 'leased' | 'scheduled';
  jobs: number;
  /** Epoch ms of the earliest `run_at`, or null when there is none. */
  oldestRunAt: number | null;
}

/** One carrier as the scrape sees it. */
export interface CarrierGauge {
  name: string;
  /** `none`: the carrier has no lasting link (an HTTP API). */
  link: 'up' | 'connecting' | 'down' | 'none';
  /** Submits awaiting the carrier's answer (SMPP: window slots in use). */
  inFlight?: number | undefined;
  /** Most submits that may await an answer at once (SMPP: the window size). */
  window?: number | undefined;
}

/** Where the scrape-time gauges read from. */
export interface ScrapeSources {
  outbox?: () => Promise<readonly OutboxCount[]>;
  carriers?: () => readonly CarrierGauge[];
  now?: () => number;
}

const LINK_STATES = ['up', 'connecting', 'down'] as const;

/** Register the scrape-time gauges; the returned `set` tells them where to read. */
export function registerScrapeGauges(registry: Registry): { set(s: ScrapeSources): void } {
  let sources: ScrapeSources = {};
  const registers = [registry];
  // The registry collects every family of a scrape at once, in registration order: the jobs gauge
  // starts the one outbox query, the age gauge reads the same answer.
  let outbox: Promise<readonly OutboxCount[]> = Promise.resolve([]);
  const readOutbox = async (): Promise<readonly OutboxCount[]> => {
    try {
      return (await sources.outbox?.()) ?? [];
    } catch {
      return [];
    }
  };
  new Gauge({
    name: 'textbridge_outbox_jobs',
    help: 'Pending outbox jobs by kind and state (due, leased, scheduled).',
    labelNames: ['kind', 'state'],
    registers,
    async collect() {
      outbox = readOutbox();
      const rows = await outbox;
      this.reset();
      for (const r of rows) this.set({ kind: r.kind, state: r.state }, r.jobs);
    },
  });
  new Gauge({
    name: 'textbridge_outbox_oldest_due_age_seconds',
    help: 'How long the oldest due job of each kind has waited past its run time; 0 when none is due.',
    labelNames: ['kind'],
    registers,
    async collect() {
      const rows = await outbox;
      const now = (sources.now ?? Date.now)();
      this.reset();
      for (const kind of new Set(rows.map((r) => r.kind))) {
        const due = rows.find((r) => r.kind === kind && r.state === 'due');
        const age = due?.oldestRunAt == null ? 0 : Math.max(0, (now - due.oldestRunAt) / 1000);
        this.set({ kind }, age);
      }
    },
  });
  const carriers = () => sources.carriers?.() ?? [];
  new Gauge({
    name: 'textbridge_carrier_link_state',
    help: "1 for the carrier link's current state (up, connecting, down), 0 for the others; SMPP carriers only.",
    labelNames: ['carrier', 'state'],
    registers,
    collect() {
      this.reset();
      for (const c of carriers()) {
        if (c.link === 'none') continue;
        for (const s of LINK_STATES) this.set({ carrier: c.name, state: s }, c.link === s ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'textbridge_carrier_in_flight',
    help: "Submits awaiting the carrier's answer (SMPP: window slots in use), by carrier.",
    labelNames: ['carrier'],
    registers,
    collect() {
      this.reset();
      for (const c of carriers()) if (c.inFlight !== undefined) this.set({ carrier: c.name }, c.inFlight);
    },
  });
  new Gauge({
    name: 'textbridge_carrier_window_size',
    help: 'Most submits that may await an answer at once (SMPP: the window), by carrier.',
    labelNames: ['carrier'],
    registers,
    collect() {
      this.reset();
      for (const c of carriers()) if (c.window !== undefined) this.set({ carrier: c.name }, c.window);
    },
  });
  return {
    set(s) {
      sources = s;
    },
  };
}
