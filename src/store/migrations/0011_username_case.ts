/**
 * Usernames are unique regardless of case: `accounts_username_lower`, a unique index on
 * `lower(username)`. SQLite's lower() folds ASCII letters only; PostgreSQL's folds every letter its
 * database locale knows, so on PostgreSQL e.g. `Ärzte` and `ärzte` also collide.
 *
 * Accounts that already differ only by case (created before this index) must keep working: renaming
 * one would lock its user out, deleting it would lose its messages. So the oldest account of each such
 * group is indexed and the later ones are left out of the index by id (a partial index). Every account
 * still logs in with its own spelling, and no new account can take any spelling of a name in use.
 */
import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../engine/db.js';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  const { rows } = await sql<{ id: number | string }>`
    select a.id from accounts a
    where exists (select 1 from accounts b where lower(b.username) = lower(a.username) and b.id < a.id)
    order by a.id`.execute(db);
  const exempt = rows.map((r) => Number(r.id)).filter(Number.isSafeInteger);
  const where = exempt.length === 0 ? sql`` : sql` where id not in (${sql.raw(exempt.join(', '))})`;
  await sql`create unique index accounts_username_lower on accounts (lower(username))${where}`.execute(db);
}
