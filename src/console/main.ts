/**
 * The console's shell: sign-in, the navigation, and a router over the URL's fragment
 * (`#/messages?status=failed`), so every view has a link and the browser's back button works.
 */
import { current, signIn, signOut, storedToken, whenUnauthorized } from './api.js';
import { h, mount } from './dom.js';
import { icon } from './icons.js';
import { accountPage } from './pages/account.js';
import { accountsPage } from './pages/accounts.js';
import { carriersPage } from './pages/carriers.js';
import { dashboardPage } from './pages/dashboard.js';
import { importPage } from './pages/import.js';
import { messagePage } from './pages/message.js';
import { messagesPage } from './pages/messages.js';
import type { Page } from './pages/page.js';
import { settingsPage } from './pages/settings.js';
import { signInPage } from './pages/sign-in.js';

const NAV: Array<[string, string, string]> = [
  ['#/dashboard', 'Dashboard', 'chart'],
  ['#/messages', 'Messages', 'message'],
  ['#/accounts', 'Accounts', 'user'],
  ['#/import', 'Import', 'upload'],
  ['#/carriers', 'Carriers', 'antenna'],
  ['#/settings', 'Settings', 'gear'],
];

/** The page for a fragment path, and its parameter (an id) when the path has one. */
function route(path: string): [Page, string] {
  const [, first = '', second = ''] = path.split('/');
  const id = decodeURIComponent(second);
  if (first === 'messages' && id) return [messagePage, id];
  if (first === 'messages') return [messagesPage, ''];
  if (first === 'accounts' && id) return [accountPage, id];
  if (first === 'accounts') return [accountsPage, ''];
  if (first === 'import') return [importPage, ''];
  if (first === 'carriers') return [carriersPage, ''];
  if (first === 'settings') return [settingsPage, ''];
  return [dashboardPage, ''];
}

const app = document.getElementById('app')!;
let leave: (() => void) | undefined;

function shell(): HTMLElement {
  const s = current()!;
  const menu = h(
    'button',
    { type: 'button', class: 'menu', 'aria-expanded': 'false', 'aria-controls': 'nav' },
    icon('menu'),
    'Menu',
  );
  const nav = h(
    'nav',
    { id: 'nav', 'aria-label': 'Console' },
    h(
      'ul',
      {},
      NAV.map(([href, label, i]) => h('li', {}, h('a', { href }, icon(i), label))),
    ),
  );
  menu.addEventListener('click', () => {
    const open = nav.classList.toggle('open');
    menu.setAttribute('aria-expanded', String(open));
  });
  nav.addEventListener('click', (e) => {
    if ((e.target as Element).closest('a')) {
      nav.classList.remove('open');
      menu.setAttribute('aria-expanded', 'false');
    }
  });
  const out = h('button', { type: 'button', class: 'quiet', onclick: () => leaveSession() }, 'Sign out');
  return h(
    'header',
    { class: 'top' },
    h('a', { class: 'brand', href: '#/dashboard' }, 'textbridge'),
    menu,
    nav,
    h(
      'p',
      { class: 'who' },
      h('span', { 'data-testid': 'who' }, s.name),
      s.readOnly ? h('span', { class: 'badge' }, 'read-only') : null,
      out,
    ),
  );
}

function leaveSession(): void {
  signOut();
  location.hash = '#/';
  void render();
}

async function render(): Promise<void> {
  leave?.();
  leave = undefined;
  if (!current()) {
    mount(
      app,
      signInPage(() => render()),
    );
    return;
  }
  const hash = location.hash.replace(/^#/, '') || '/dashboard';
  const [path = '', search = ''] = hash.split('?');
  const [page, id] = route(path);
  const main = h('main', { id: 'main', tabindex: '-1' });
  const skip = h('button', { type: 'button', class: 'skip', onclick: () => main.focus() }, 'Skip to content');
  mount(app, skip, shell(), main);
  for (const a of app.querySelectorAll('nav a')) {
    if (path.startsWith((a as HTMLAnchorElement).hash.slice(1))) a.setAttribute('aria-current', 'page');
  }
  document.body.classList.toggle('read-only', current()!.readOnly);
  leave = await page(main, { id, query: new URLSearchParams(search) });
}

whenUnauthorized(() => leaveSession());
window.addEventListener('hashchange', () => void render());

async function boot(): Promise<void> {
  const token = storedToken();
  if (token) {
    try {
      await signIn(token);
    } catch {
      signOut();
    }
  }
  await render();
}
void boot();
