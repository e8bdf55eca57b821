/**
 * Settings: the effective configuration with every secret masked (`GET /admin/v1/config`), and the
 * provisioning URL a provider pastes into Cloud Softphone, which answers each signed-in user with the
 * Account XML (https://doc.acrobits.net/provisioning/external_provisioning.html).
 */
import { api, current } from '../api.js';
import { h, mount } from '../dom.js';
import type { Page } from './page.js';

interface ServerKeys {
  server?: { publicUrl?: string; host?: string; port?: number; adminPort?: number };
}

export const settingsPage: Page = async (main) => {
  const { config } = await api.get<{ config: ServerKeys & Record<string, unknown> }>('/config');
  const s = config.server ?? {};
  // The app's address: server.publicUrl when set; else this page's own origin when the console is on
  // the main port (no admin listener); else the main port on this host.
  const host = s.host === '0.0.0.0' || s.host === '::' || !s.host ? location.hostname : s.host;
  const base =
    s.publicUrl ||
    (s.adminPort === undefined ? location.origin : `${location.protocol}//${host}:${s.port ?? ''}`);
  const me = current();
  mount(
    main,
    h('h1', {}, 'Settings'),
    h(
      'section',
      { class: 'panel' },
      h('h2', {}, 'This session'),
      h(
        'p',
        {},
        `Signed in with the token ${me?.name ?? ''}`,
        me?.readOnly ? ' (read-only: changes are refused).' : '.',
      ),
    ),
    h(
      'section',
      { class: 'panel' },
      h('h2', {}, 'Account XML (provisioning)'),
      h(
        'p',
        {},
        "Cloud Softphone's external provisioning URL; each user who signs in gets an Account XML that configures messaging:",
      ),
      h(
        'pre',
        { class: 'wrap', 'data-testid': 'provision-url' },
        `${base.replace(/\/$/, '')}/provision?username=%username%&password=%password%`,
      ),
    ),
    h(
      'section',
      { class: 'panel' },
      h('h2', {}, 'Effective configuration'),
      h('p', { class: 'hint' }, 'Secrets are shown as ********.'),
      h('pre', { class: 'config', 'data-testid': 'config' }, JSON.stringify(config, null, 2)),
    ),
  );
  return undefined;
};
