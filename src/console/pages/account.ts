/** One account: its numbers, region and credit; change the password; delete it (with its messages: purge). */
import { api, canChange } from '../api.js';
import { field, h, mount, notice } from '../dom.js';
import type { AccountView } from '../types.js';
import { numbersOf } from './accounts.js';
import type { Page } from './page.js';

/** A small form of one change: `run` gets the form's inputs and says what happened. */
function change(
  title: string,
  inputs: HTMLElement[],
  label: string,
  run: () => Promise<string>,
): HTMLElement {
  const ro = !canChange();
  for (const i of inputs)
    for (const c of i.querySelectorAll('input, select')) (c as HTMLInputElement).disabled = ro;
  const say = notice();
  const form = h(
    'form',
    { class: 'panel form' },
    h('h2', {}, title),
    inputs,
    h('button', { type: 'submit', class: 'change', disabled: ro }, label),
    say,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      say.say(await run());
    } catch (err) {
      say.say((err as Error).message, true);
    }
  });
  return form;
}

export const accountPage: Page = async (main, { id: username }) => {
  const path = `/accounts/${encodeURIComponent(username)}`;
  const facts = h('dl', { class: 'facts' });
  const say = notice();
  const show = (a: AccountView) =>
    mount(
      facts,
      [
        ['Numbers', a.numbers.join(', ') || '—'],
        ['Region', a.region],
        ['Credit', a.credit === null ? 'unlimited' : String(a.credit)],
        ['Display name', a.displayName ?? '—'],
        ['Group', a.group ?? '—'],
      ].map(([k, v]) => [h('dt', {}, k!), h('dd', { 'data-field': k! }, v!)]),
    );
  try {
    show(await api.get<AccountView>(path));
  } catch (err) {
    mount(main, h('h1', {}, username), h('p', { class: 'notice bad' }, (err as Error).message));
    return undefined;
  }
  const password = h('input', {
    type: 'password',
    name: 'password',
    autocomplete: 'new-password',
    required: true,
  });
  const add = h('input', { name: 'add', placeholder: '+15551230002' });
  const remove = h('input', { name: 'remove' });
  const region = h('input', { name: 'region', maxlength: 2, required: true });
  const credit = h('input', { name: 'credit', required: true, placeholder: '10, +2.5, -1 or unlimited' });
  const purge = h('input', { type: 'checkbox', name: 'purge' });
  const patch = async (body: object, done: string) => {
    show(await api.patch<AccountView>(path, body));
    return done;
  };
  const ro = !canChange();
  const del = h('button', { type: 'button', class: 'danger change', disabled: ro }, 'Delete account');
  del.addEventListener('click', async () => {
    const what = purge.checked ? `${username} and its messages` : username;
    if (!confirm(`Delete ${what}? This cannot be undone.`)) return;
    try {
      await api.del(`${path}${purge.checked ? '?purge=true' : ''}`);
      location.hash = '#/accounts';
    } catch (err) {
      say.say((err as Error).message, true);
    }
  });
  purge.disabled = ro;
  mount(
    main,
    h(
      'p',
      {},
      h('a', { href: '#/accounts' }, '← Accounts'),
      ' · ',
      h('a', { href: `#/messages?account=${encodeURIComponent(username)}` }, 'Its messages'),
    ),
    h('h1', {}, username),
    h('section', { class: 'panel' }, facts),
    h(
      'div',
      { class: 'grid2' },
      change('Password', [field('New password', password)], 'Change password', () =>
        patch({ password: password.value }, 'Password changed.'),
      ),
      change('Numbers', [field('Add numbers', add), field('Remove numbers', remove)], 'Change numbers', () =>
        patch(
          { addNumbers: numbersOf(add.value), removeNumbers: numbersOf(remove.value) },
          'Numbers changed.',
        ),
      ),
      change('Region', [field('Region (ISO 3166)', region)], 'Change region', () =>
        patch({ region: region.value.trim().toUpperCase() }, 'Region changed.'),
      ),
      change('Credit', [field('Set, or add with + or -', credit)], 'Change credit', async () => {
        const v = credit.value.trim();
        const body = /^[+-]/.test(v) ? { delta: v.replace(/^\+/, '') } : { set: v };
        await api.post(`${path}/credit`, body);
        show(await api.get<AccountView>(path));
        return 'Credit changed.';
      }),
    ),
    h(
      'section',
      { class: 'panel form' },
      h('h2', {}, 'Delete'),
      field('Also delete its messages and media (purge)', purge),
      del,
      say,
    ),
  );
  return undefined;
};
