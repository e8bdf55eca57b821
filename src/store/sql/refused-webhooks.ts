/** The bounded log of refused or ignored inbound webhooks (`refused_webhooks`). */
import type { RefusedWebhook } from '../../app/refused-webhooks.js';
import type { Q } from './accounts.js';

/**
 * insert into refused_webhooks (carrier, at, reason, excerpt) values (…) returning id;
 * delete from refused_webhooks where id <= :id - :keep (the table never holds more than `keep`)
 */
export async function insertRefusedWebhook(q: Q, w: RefusedWebhook, keep: number): Promise<void> {
  const { id } = await q.insertInto('refused_webhooks').values(w).returning('id').executeTakeFirstOrThrow();
  await q
    .deleteFrom('refused_webhooks')
    .where('id', '<=', Number(id) - keep)
    .execute();
}

/** select carrier, at, reason, excerpt from refused_webhooks order by id desc limit ? */
export async function recentRefusedWebhooks(q: Q, limit: number): Promise<RefusedWebhook[]> {
  const rows = await q
    .selectFrom('refused_webhooks')
    .select(['carrier', 'at', 'reason', 'excerpt'])
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, at: Number(r.at) }));
}
