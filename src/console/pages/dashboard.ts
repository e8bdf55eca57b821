/**
 * The dashboard: messages per minute (in, out, on-net, failed) over the last hour and the last day,
 * the deliver queue, each carrier's state and the refused webhooks; refreshed every 5 s (the day's
 * chart every 30 s) without reloading the page.
 */
import { api, query } from '../api.js';
import { lineChart, type Series } from '../chart.js';
import { h, mount, when } from '../dom.js';
import type { CarrierStateView, Minute, RefusedView } from '../types.js';
import { carrierTable } from './carriers.js';
import type { Page } from './page.js';

const MINUTE = 60_000;
const REFRESH_MS = 5_000;
/** The day's chart walks a day of messages: every 30 s is enough for 30-minute buckets. */
const DAY_REFRESH_MS = 30_000;

/** Counts per bucket of `bucketMin` minutes over `[since, since + buckets·bucketMin)`, per series. */
export function seriesOf(minutes: Minute[], since: number, buckets: number, bucketMin: number): Series[] {
  const make = () => new Array<number>(buckets).fill(0);
  const s = { in: make(), out: make(), net: make(), failed: make() };
  for (const m of minutes) {
    const i = Math.floor((Date.parse(m.minute) - since) / (bucketMin * MINUTE));
    if (i < 0 || i >= buckets) continue;
    if (m.direction === 'inbound') s.in[i]! += m.count;
    else if (m.direction === 'outbound') s.out[i]! += m.count;
    else s.net[i]! += m.count;
    if (m.status === 'failed') s.failed[i]! += m.count;
  }
  return [
    { name: 'in', tone: 'in', values: s.in },
    { name: 'out', tone: 'out', values: s.out },
    { name: 'on-net', tone: 'net', values: s.net },
    { name: 'failed', tone: 'failed', values: s.failed },
  ];
}

const hhmm = (t: number) =>
  new Date(t).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', hour12: false });

function age(iso: string | null): string {
  if (!iso) return 'none due';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return s < 120 ? `${s} s` : `${Math.round(s / 60)} min`;
}

export const dashboardPage: Page = async (main) => {
  const hour = h('section', { class: 'panel', 'aria-label': 'Last hour' });
  const day = h('section', { class: 'panel', 'aria-label': 'Last day' });
  const queue = h('section', { class: 'panel tiles', 'aria-label': 'Queue and webhooks' });
  const carriers = h('section', { class: 'panel', 'aria-label': 'Carriers' });
  const updated = h('p', { class: 'hint', role: 'status' });
  mount(main, h('h1', {}, 'Dashboard'), updated, h('div', { class: 'grid2' }, hour, day), queue, carriers);

  let dayAt = 0;
  /** The day's chart, fetched beside the rest rather than after it (the page draws as answers come). */
  const loadDay = async (now: number) => {
    const dStart = Math.floor(now / (30 * MINUTE)) * 30 * MINUTE - 47 * 30 * MINUTE;
    const d = await api.get<{ minutes: Minute[] }>(
      `/stats/messages${query({ since: new Date(dStart).toISOString() })}`,
    );
    mount(
      day,
      lineChart('Messages per 30 minutes, last day', seriesOf(d.minutes, dStart, 48, 30), [
        hhmm(dStart),
        hhmm(dStart + 24 * 30 * MINUTE),
        'now',
      ]),
    );
  };
  const refresh = async () => {
    const now = Date.now();
    const start = Math.floor(now / MINUTE) * MINUTE - 59 * MINUTE;
    if (now - dayAt >= DAY_REFRESH_MS) {
      dayAt = now;
      loadDay(now).catch((e: Error) => (updated.textContent = e.message));
    }
    const [stats, state, refused] = await Promise.all([
      api.get<{ minutes: Minute[] }>(`/stats/messages${query({ since: new Date(start).toISOString() })}`),
      api.get<CarrierStateView>('/carriers'),
      api.get<{ webhooks: RefusedView[] }>('/webhooks/refused?limit=1000'),
    ]);
    mount(
      hour,
      lineChart('Messages per minute, last hour', seriesOf(stats.minutes, start, 60, 1), [
        hhmm(start),
        hhmm(start + 30 * MINUTE),
        'now',
      ]),
    );
    const lastHour = refused.webhooks.filter((w) => now - Date.parse(w.at) < 60 * MINUTE).length;
    const last5 = refused.webhooks.filter((w) => now - Date.parse(w.at) < 5 * MINUTE).length;
    mount(
      queue,
      tile('Queue depth', String(state.queue.due), 'deliver jobs due now', 'queue-due'),
      tile('Oldest due job', age(state.queue.oldestDueAt), 'waiting since', 'queue-age'),
      tile(
        'Refused webhooks',
        `${(last5 / 5).toFixed(1)}/min`,
        `${lastHour} in the last hour`,
        'refused-rate',
      ),
    );
    mount(carriers, h('h2', {}, 'Carriers'), carrierTable(state.carriers));
    updated.textContent = `Updated ${when(new Date(now).toISOString())}; refreshes every 5 s.`;
  };
  await refresh().catch((e: Error) => (updated.textContent = e.message));
  const timer = setInterval(
    () => refresh().catch((e: Error) => (updated.textContent = e.message)),
    REFRESH_MS,
  );
  return () => clearInterval(timer);
};

function tile(label: string, value: string, note: string, id: string): HTMLElement {
  return h(
    'div',
    { class: 'tile' },
    h('span', {}, label),
    h('strong', { 'data-testid': id }, value),
    h('small', {}, note),
  );
}
