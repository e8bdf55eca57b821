/** Sign-in: an admin token (`textbridge admin token create`), checked with the API before use. */
import { signIn } from '../api.js';
import { field, h, notice } from '../dom.js';

export function signInPage(done: () => void): HTMLElement {
  const token = h('input', {
    type: 'password',
    name: 'token',
    autocomplete: 'off',
    required: true,
    placeholder: 'tbat_…',
  });
  const say = notice();
  const form = h(
    'form',
    { class: 'card sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title' }, 'textbridge console'),
    h('p', {}, 'Sign in with an admin token. It is kept in this tab only, until you sign out or close it.'),
    field('Admin token', token),
    h('button', { type: 'submit' }, 'Sign in'),
    say,
    h(
      'p',
      { class: 'hint' },
      'Make one with ',
      h('code', {}, 'textbridge admin token create --name <you>'),
      '.',
    ),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    say.say('Checking…');
    try {
      await signIn(token.value.trim());
      done();
    } catch (err) {
      say.say((err as Error).message, true);
    }
  });
  queueMicrotask(() => token.focus());
  return h('main', { id: 'main', class: 'center' }, form);
}
