/** Carriers and webhooks: each carrier's link, window and recent errors; the refused-webhook log. */
import { api } from '../api.js';
import { h, mount, when } from '../dom.js';
import type { CarrierStateView, CarrierView, RefusedView } from '../types.js';
import type { Page } from './page.js';

/** Submits in flight of the window's size ("3 / 10"); a dash for HTTP carriers and unseen links. */
function windowOf(c: CarrierView): string {
  const w = c.window;
  return w ? `${w.inFlight} / ${w.size}` : '—';
}

/** One row per carrier (the dashboard shows the same table). */
export function carrierTable(carriers: CarrierView[]): HTMLElement {
  if (carriers.length === 0)
    return h('p', { class: 'hint' }, 'No carrier is running or handled a message in the last 15 minutes.');
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Carrier', 'Link', 'Window in use', 'Sent 5 / 15 min', 'Failed 5 / 15 min', 'Last error'].map(
            (t) => h('th', { scope: 'col' }, t),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        carriers.map((c) =>
          h(
            'tr',
            { 'data-carrier': c.name },
            h('th', { scope: 'row' }, c.name),
            h('td', {}, h('span', { class: `link ${c.link}` }, c.link)),
            h('td', {}, windowOf(c)),
            h('td', {}, `${c.submits.last5m} / ${c.submits.last15m}`),
            h(
              'td',
              { class: c.failures.last5m > 0 ? 'bad' : '' },
              `${c.failures.last5m} / ${c.failures.last15m}`,
            ),
            h(
              'td',
              { class: 'wrap' },
              c.lastError ? [h('small', {}, when(c.lastErrorAt)), ' ', c.lastError] : '—',
            ),
          ),
        ),
      ),
    ),
  );
}

export function refusedTable(hooks: RefusedView[]): HTMLElement {
  if (hooks.length === 0) return h('p', { class: 'hint' }, 'No refused webhook is on record.');
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { 'data-testid': 'refused' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['When', 'Carrier', 'Reason', 'Request'].map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      h(
        'tbody',
        {},
        hooks.map((w) =>
          h(
            'tr',
            {},
            h('td', {}, when(w.at)),
            h('td', {}, w.carrier),
            h('td', { class: 'wrap bad' }, w.reason),
            h('td', { class: 'wrap' }, h('code', {}, w.excerpt)),
          ),
        ),
      ),
    ),
  );
}

export const carriersPage: Page = async (main) => {
  const body = h('div', {}, h('p', { class: 'hint' }, 'Loading…'));
  mount(main, h('h1', {}, 'Carriers and webhooks'), body);
  const [state, refused] = await Promise.all([
    api.get<CarrierStateView>('/carriers'),
    api.get<{ webhooks: RefusedView[] }>('/webhooks/refused?limit=100'),
  ]);
  mount(
    body,
    h('section', { class: 'panel' }, h('h2', {}, 'Carriers'), carrierTable(state.carriers)),
    h(
      'section',
      { class: 'panel' },
      h('h2', {}, 'Refused webhooks'),
      h(
        'p',
        { class: 'hint' },
        'Inbound carrier calls that stored nothing, newest first: a bad signature, an unknown carrier or number, a payload not understood.',
      ),
      refusedTable(refused.webhooks),
    ),
  );
  return undefined;
};
