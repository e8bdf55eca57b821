/** Media metadata and settings statements, one per function (the files are store/adapters/media-fs.ts's). */
import type { MediaInfo } from '../../app/media.js';
import type { Q } from './accounts.js';

/** insert into media (id, account_id, content_type, size, sha256, filename, created_at) values (…) */
export async function insertMedia(q: Q, m: MediaInfo): Promise<void> {
  await q
    .insertInto('media')
    .values({
      id: m.id,
      account_id: m.accountId,
      content_type: m.contentType,
      size: m.size,
      sha256: m.sha256,
      filename: m.filename,
      created_at: m.createdAt,
    })
    .execute();
}

/** select * from media where id = ? */
export async function mediaById(q: Q, id: string): Promise<MediaInfo | null> {
  const r = await q.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirst();
  return r
    ? {
        id: r.id,
        accountId: r.account_id === null ? null : Number(r.account_id),
        contentType: r.content_type,
        size: Number(r.size),
        sha256: r.sha256,
        filename: r.filename,
        createdAt: Number(r.created_at),
      }
    : null;
}

/** delete from media where id = ? */
export async function deleteMediaRow(q: Q, id: string): Promise<boolean> {
  const r = await q.deleteFrom('media').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** select id from media where account_id = ? limit ? */
export async function mediaIdsOwnedBy(q: Q, accountId: number, limit: number): Promise<string[]> {
  const rows = await q
    .selectFrom('media')
    .select('id')
    .where('account_id', '=', accountId)
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** select id from media where created_at < ? order by created_at limit ? */
export async function mediaIdsBefore(q: Q, olderThan: number, limit: number): Promise<string[]> {
  const rows = await q
    .selectFrom('media')
    .select('id')
    .where('created_at', '<', olderThan)
    .orderBy('created_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** select coalesce(sum(size), 0) from media where account_id = ? */
export async function mediaUsage(q: Q, accountId: number): Promise<number> {
  const r = await q
    .selectFrom('media')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('size'), eb.lit(0)).as('bytes'))
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return Number(r?.bytes ?? 0);
}

/** insert into settings (name, value) values (?, ?) on conflict (name) do nothing; then the stored value */
export async function settingOrInsert(q: Q, name: string, value: string): Promise<string> {
  await q
    .insertInto('settings')
    .values({ name, value })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const r = await q.selectFrom('settings').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return r.value;
}
