/** Accounts: find by username prefix or number, page through them, create one. */
import { api, canChange, query } from '../api.js';
import { field, h, mount, notice } from '../dom.js';
import type { AccountView } from '../types.js';
import type { Page } from './page.js';

/** Numbers typed as a list: commas, semicolons or spaces between them. */
export const numbersOf = (v: string) => v.split(/[\s,;]+/).filter((n) => n !== '');

function createForm(): HTMLElement {
  const ro = !canChange();
  const username = h('input', { name: 'username', required: true, autocomplete: 'off', disabled: ro });
  const password = h('input', {
    name: 'password',
    type: 'password',
    required: true,
    autocomplete: 'new-password',
    disabled: ro,
  });
  const numbers = h('input', { name: 'numbers', placeholder: '+15551230001, 1001', disabled: ro });
  const region = h('input', { name: 'region', value: 'US', maxlength: 2, disabled: ro });
  const credit = h('input', { name: 'credit', placeholder: 'unlimited', inputmode: 'decimal', disabled: ro });
  const say = notice();
  const form = h(
    'form',
    { class: 'panel form', 'aria-labelledby': 'create-title' },
    h('h2', { id: 'create-title' }, 'New account'),
    field('Username', username),
    field('Password', password),
    field('Numbers', numbers),
    field('Region', region),
    field('Credit', credit),
    h('button', { type: 'submit', class: 'change', disabled: ro }, 'Create account'),
    say,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const a = await api.post<AccountView>('/accounts', {
        username: username.value.trim(),
        password: password.value,
        numbers: numbersOf(numbers.value),
        region: region.value.trim().toUpperCase() || 'US',
        ...(credit.value.trim() === '' ? {} : { credit: credit.value.trim() }),
      });
      location.hash = `#/accounts/${encodeURIComponent(a.username)}`;
    } catch (err) {
      say.say((err as Error).message, true);
    }
  });
  return form;
}

export const accountsPage: Page = async (main, { query: q }) => {
  const prefix = h('input', { name: 'prefix', type: 'search', value: q.get('prefix') ?? '' });
  const number = h('input', { name: 'number', type: 'search', value: q.get('number') ?? '' });
  const find = h(
    'form',
    { class: 'filters', role: 'search' },
    field('Username starts with', prefix),
    field('Owns number', number),
    h('button', { type: 'submit' }, 'Find'),
  );
  find.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = `#/accounts${query({ prefix: prefix.value.trim(), number: number.value.trim() })}`;
  });
  const list = h('div', {});
  const say = notice();
  mount(main, h('h1', {}, 'Accounts'), find, say, list, createForm());
  const show = async (after: string | undefined) => {
    try {
      const page = await api.get<{ accounts: AccountView[]; next?: string }>(
        `/accounts${query({ prefix: q.get('prefix') ?? '', number: q.get('number') ?? '', after, limit: 50 })}`,
      );
      const rows = page.accounts.map((a) =>
        h(
          'tr',
          {},
          h('td', {}, h('a', { href: `#/accounts/${encodeURIComponent(a.username)}` }, a.username)),
          h('td', {}, a.numbers.join(', ')),
          h('td', {}, a.region),
          h('td', {}, a.credit === null ? 'unlimited' : String(a.credit)),
        ),
      );
      const next = page.next;
      mount(
        list,
        rows.length === 0
          ? h('p', { class: 'hint' }, 'No account matches.')
          : h(
              'div',
              { class: 'scroll' },
              h(
                'table',
                { 'data-testid': 'accounts' },
                h(
                  'thead',
                  {},
                  h(
                    'tr',
                    {},
                    ['Username', 'Numbers', 'Region', 'Credit'].map((t) => h('th', { scope: 'col' }, t)),
                  ),
                ),
                h('tbody', {}, rows),
              ),
            ),
        next === undefined
          ? null
          : h(
              'div',
              { class: 'pager' },
              h('button', { type: 'button', onclick: () => void show(next) }, 'Next page'),
            ),
      );
    } catch (err) {
      say.say((err as Error).message, true);
    }
  };
  await show(undefined);
  return undefined;
};
