/**
 * What the media stores share: the id format, and the deletes and usage that go through the `media`
 * table (row first, so a URL answers 404 at once, then the bytes through the store's own `removeBytes`).
 */
import type { MediaStore } from '../../app/media.js';
import type { Db } from '../engine/db.js';
import { deleteMediaRow, mediaIdsBefore, mediaIdsOwnedBy, mediaUsage } from '../sql/media.js';

/** Rows deleted per round of a sweep or purge, so one never holds a huge list. */
const BATCH = 500;
/** A media id as the stores make them: 16 random bytes in base64url. */
export const MEDIA_ID = /^[A-Za-z0-9_-]{22}$/;

/** `delete`, `deleteOwnedBy`, `sweep` and `usage` over the rows, removing bytes with `removeBytes`. */
export function rowDeletes(
  db: Db,
  removeBytes: (id: string) => Promise<void>,
): Pick<MediaStore, 'delete' | 'deleteOwnedBy' | 'sweep' | 'usage'> {
  const remove = async (id: string): Promise<boolean> => {
    if (!MEDIA_ID.test(id)) return false;
    const had = await deleteMediaRow(db.kysely, id);
    await removeBytes(id);
    return had;
  };
  const removeAll = async (next: () => Promise<string[]>): Promise<number> => {
    let n = 0;
    for (let ids = await next(); ids.length > 0; ids = await next()) {
      for (const id of ids) if (await remove(id)) n++;
    }
    return n;
  };
  return {
    delete: remove,
    deleteOwnedBy: (accountId) => removeAll(() => mediaIdsOwnedBy(db.kysely, accountId, BATCH)),
    sweep: (olderThan) => removeAll(() => mediaIdsBefore(db.kysely, olderThan, BATCH)),
    usage: (accountId) => mediaUsage(db.kysely, accountId),
  };
}
