/**
 * One message: its fields and its timeline (accepted, routed, each attempt with the carrier's answer,
 * receipts, pushes, fetches, notices), and a retry for a failed one. After a retry the page follows
 * the message for a few seconds, so the operator sees it go out.
 */
import { type ApiError, api, canChange } from '../api.js';
import { h, mount, notice, when } from '../dom.js';
import type { MessageView } from '../types.js';
import type { Page } from './page.js';

function details(d: Record<string, unknown>): HTMLElement {
  const entries = Object.entries(d);
  if (entries.length === 0) return h('span', {}, '');
  return h(
    'dl',
    { class: 'details' },
    entries.map(([k, v]) => [h('dt', {}, k), h('dd', {}, typeof v === 'string' ? v : JSON.stringify(v))]),
  );
}

function facts(m: MessageView): HTMLElement {
  const rows: Array<[string, string]> = [
    ['Status', m.status],
    ['Direction', m.direction],
    ['From', m.from],
    ['To', m.to],
    ['Carrier', m.carrier ?? '—'],
    ['Carrier reference', m.carrier_ref || '—'],
    ['Attempts', String(m.attempts)],
    ['Segments', String(m.segments)],
    ['Charge', String(m.charge)],
    ['Content type', m.content_type],
    ['Created', when(m.created_at)],
    ['Updated', when(m.updated_at)],
    ['Last error', m.last_error ?? '—'],
  ];
  return h(
    'dl',
    { class: 'facts' },
    rows.map(([k, v]) => [h('dt', {}, k), h('dd', { 'data-field': k }, v)]),
  );
}

export const messagePage: Page = async (main, { id }) => {
  const body = h('div', {});
  const say = notice();
  mount(
    main,
    h('p', {}, h('a', { href: '#/messages' }, '← Messages')),
    h('h1', {}, `Message ${id}`),
    say,
    body,
  );
  let timer: ReturnType<typeof setTimeout> | undefined;

  const load = async (): Promise<MessageView | undefined> => {
    try {
      const m = await api.get<MessageView>(`/messages/${encodeURIComponent(id)}`);
      const retry = h('button', { type: 'button', disabled: !canChange(), class: 'change' }, 'Retry');
      retry.addEventListener('click', async () => {
        retry.disabled = true;
        try {
          await api.post(`/messages/${encodeURIComponent(id)}/retry`);
          say.say('Queued again; following its progress…');
          follow(10);
        } catch (err) {
          say.say((err as ApiError).message, true);
          retry.disabled = false;
        }
      });
      mount(
        body,
        h(
          'section',
          { class: 'panel' },
          facts(m),
          m.status === 'failed' ? h('p', {}, retry) : null,
          h('details', {}, h('summary', {}, 'Text'), h('pre', { class: 'wrap' }, m.body)),
        ),
        h(
          'section',
          { class: 'panel' },
          h('h2', {}, 'Timeline'),
          h(
            'ol',
            { class: 'timeline', 'data-testid': 'timeline' },
            (m.timeline ?? []).map((e) =>
              h(
                'li',
                { 'data-kind': e.kind },
                h('time', { datetime: e.at }, when(e.at)),
                h('strong', {}, e.kind),
                details(e.details),
              ),
            ),
          ),
        ),
      );
      return m;
    } catch (err) {
      say.say((err as Error).message, true);
      return undefined;
    }
  };
  const follow = (left: number) => {
    timer = setTimeout(async () => {
      const m = await load();
      if (m && m.status !== 'queued' && m.status !== 'sending') say.say(`Now ${m.status}.`);
      else if (left > 1) follow(left - 1);
    }, 1000);
  };
  await load();
  return () => clearTimeout(timer);
};
