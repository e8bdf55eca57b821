/**
 * Message search: by account, number, status, direction and time range, newest first, a page at a
 * time by cursor (the API's `next`), so a deep page costs what the first does on a large store.
 */
import { api, query } from '../api.js';
import { field, h, mount, notice, select, when } from '../dom.js';
import type { MessageView } from '../types.js';
import type { Page } from './page.js';

const STATUSES = ['', 'queued', 'sending', 'sent', 'delivered', 'failed', 'received'];
const DIRECTIONS = ['', 'inbound', 'outbound', 'on-net'];
const PAGE = 50;

/** `datetime-local` (the browser's local time) to RFC 3339, and back. */
const toIso = (v: string) => (v === '' ? '' : new Date(v).toISOString());
const fromIso = (v: string | null) => {
  if (!v) return '';
  const d = new Date(v);
  return Number.isNaN(d.getTime())
    ? ''
    : new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

export function messageRows(messages: MessageView[]): HTMLElement {
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { 'data-testid': 'messages' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Id', 'Created', 'From', 'To', 'Direction', 'Status', 'Carrier', 'Last error'].map((t) =>
            h('th', { scope: 'col' }, t),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        messages.map((m) =>
          h(
            'tr',
            { 'data-status': m.status },
            h('td', {}, h('a', { href: `#/messages/${m.sms_id}` }, m.sms_id)),
            h('td', {}, when(m.created_at)),
            h('td', {}, m.from),
            h('td', {}, m.to),
            h('td', {}, m.direction),
            h('td', {}, h('span', { class: `status ${m.status}` }, m.status)),
            h('td', {}, m.carrier ?? '—'),
            h('td', { class: 'wrap' }, m.last_error ?? ''),
          ),
        ),
      ),
    ),
  );
}

export const messagesPage: Page = async (main, { query: q }) => {
  const input = (name: string, type = 'text') => h('input', { name, type, value: q.get(name) ?? '' });
  const since = h('input', { name: 'since', type: 'datetime-local', value: fromIso(q.get('since')) });
  const until = h('input', { name: 'until', type: 'datetime-local', value: fromIso(q.get('until')) });
  const form = h(
    'form',
    { class: 'filters', role: 'search' },
    field('Account', input('account')),
    field('Number', input('number', 'search')),
    field('Status', select('status', STATUSES, q.get('status') ?? '')),
    field('Direction', select('direction', DIRECTIONS, q.get('direction') ?? '')),
    field('From (time)', since),
    field('Until (time)', until),
    h('button', { type: 'submit' }, 'Search'),
  );
  const results = h('div', {});
  const say = notice();
  mount(main, h('h1', {}, 'Messages'), form, say, results);

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const f: Record<string, string> = {};
    for (const [k, v] of data) f[k] = String(v).trim();
    f['since'] = toIso(f['since'] ?? '');
    f['until'] = toIso(f['until'] ?? '');
    location.hash = `#/messages${query(f)}`;
  });

  const filters: Record<string, string | undefined> = {};
  for (const k of ['account', 'number', 'status', 'direction', 'since', 'until'])
    filters[k] = q.get(k) ?? undefined;
  const pages: string[] = [];
  const show = async (before: string | undefined) => {
    say.say('Searching…');
    const t0 = performance.now();
    try {
      const page = await api.get<{ messages: MessageView[]; next?: string }>(
        `/messages${query({ ...filters, before, limit: PAGE })}`,
      );
      const nav = h('div', { class: 'pager' });
      if (pages.length > 0)
        nav.append(
          h(
            'button',
            {
              type: 'button',
              class: 'quiet',
              onclick: () => {
                pages.pop();
                void show(pages.at(-1));
              },
            },
            'Previous page',
          ),
        );
      if (page.next !== undefined) {
        const next = page.next;
        nav.append(
          h(
            'button',
            {
              type: 'button',
              onclick: () => {
                pages.push(next);
                void show(next);
              },
            },
            'Next page',
          ),
        );
      }
      mount(
        results,
        page.messages.length === 0
          ? h('p', { class: 'hint' }, 'No message matches.')
          : messageRows(page.messages),
        nav,
      );
      const n = page.messages.length;
      const ms = Math.round(performance.now() - t0);
      say.say(`${n} ${n === 1 ? 'message' : 'messages'} (page ${pages.length + 1}) in ${ms} ms.`);
    } catch (err) {
      say.say((err as Error).message, true);
    }
  };
  await show(undefined);
  return undefined;
};
