/** `textbridge provision`: the Account XML fragment for one account, from the configured store. */
import { accountToProvision } from '../app/provision.js';
import type { Config } from '../config/index.js';
import { badRequest } from '../errors.js';
import { accountXmlFragment, type TemplateStyle } from '../protocol/acrobits/account-xml.js';
import { makeAdminStore } from '../store/adapters/admin.js';
import { requireEmbeddedStore } from './admin.js';
import { openStore } from './store.js';

/**
 * The fragment `provision` prints. The URLs are `server.publicUrl`'s: without it there is no address
 * the app could reach that this process can know (the listen address is usually behind a proxy).
 */
export async function provisionAccountXml(
  config: Config,
  username: string,
  style: TemplateStyle,
): Promise<string> {
  const base = config.server.publicUrl;
  if (!base) {
    throw badRequest(
      'server.publicUrl is not set: set it in the configuration file to the public URL the app calls (e.g. "server": {"publicUrl": "https://sms.example.com"})',
    );
  }
  if (!config.databaseUrl) requireEmbeddedStore(config.dataDir);
  const db = await openStore(config);
  try {
    await accountToProvision(makeAdminStore(db), username);
  } finally {
    await db.close();
  }
  return accountXmlFragment(base, style);
}

export { TEMPLATE_STYLES, type TemplateStyle } from '../protocol/acrobits/account-xml.js';
