/** The admin API's tokens (`admin_tokens`): only each token's SHA-256 is stored. */
import type { AdminTokenInfo } from '../../app/admin-tokens.js';
import type { Q } from './accounts.js';

const info = (r: {
  name: string;
  read_only: number;
  created_at: number;
  last_used_at: number | null;
}): AdminTokenInfo => ({
  name: r.name,
  readOnly: Number(r.read_only) === 1,
  createdAt: Number(r.created_at),
  lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
});

/** insert into admin_tokens (name, token_hash, read_only, created_at) values (…) on conflict do nothing */
export async function insertToken(
  q: Q,
  t: { name: string; hash: string; readOnly: boolean; now: number },
): Promise<boolean> {
  const r = await q
    .insertInto('admin_tokens')
    .values({ name: t.name, token_hash: t.hash, read_only: t.readOnly ? 1 : 0, created_at: t.now })
    .onConflict((c) => c.column('name').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** select name, read_only, created_at, last_used_at from admin_tokens order by name */
export async function listTokens(q: Q): Promise<AdminTokenInfo[]> {
  const rows = await q
    .selectFrom('admin_tokens')
    .select(['name', 'read_only', 'created_at', 'last_used_at'])
    .orderBy('name')
    .execute();
  return rows.map(info);
}

/** delete from admin_tokens where name = ? */
export async function deleteToken(q: Q, name: string): Promise<boolean> {
  const r = await q.deleteFrom('admin_tokens').where('name', '=', name).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** select … from admin_tokens where token_hash = ? (the unique index on token_hash) */
export async function findTokenByHash(
  q: Q,
  hash: string,
): Promise<(AdminTokenInfo & { hash: string }) | undefined> {
  const r = await q
    .selectFrom('admin_tokens')
    .select(['name', 'token_hash', 'read_only', 'created_at', 'last_used_at'])
    .where('token_hash', '=', hash)
    .executeTakeFirst();
  return r && { ...info(r), hash: r.token_hash };
}

/** update admin_tokens set last_used_at = ? where name = ? */
export async function touchToken(q: Q, name: string, now: number): Promise<void> {
  await q.updateTable('admin_tokens').set({ last_used_at: now }).where('name', '=', name).execute();
}
