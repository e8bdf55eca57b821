/**
 * The bulk import's upsert (the admin API's `POST /admin/v1/accounts/import`): a batch of accounts
 * created or updated by username, inside the caller's transaction, with a few set-based statements per
 * batch rather than several per account (100,000 accounts are one import). Every conflict is looked for
 * first, so a refused row leaves the transaction usable (on PostgreSQL a failed statement aborts it).
 */
import { sql } from 'kysely';
import type { UpsertResult, UpsertRow } from '../../app/account-upsert.js';
import { chunks } from '../engine/batcher.js';
import type { Q } from './accounts.js';

/** Rows per multi-row insert: well under SQLite's 32,766 bound parameters. */
const INSERT_ROWS = 200;

/**
 * Upsert `rows` in order. A batch is cut where a row repeats a username (regardless of case) or a
 * number of an earlier row of its part, so each part is independent and the later row sees the earlier.
 */
export async function upsertAccounts(q: Q, rows: readonly UpsertRow[], now: number): Promise<UpsertResult[]> {
  const results: UpsertResult[] = [];
  let part: UpsertRow[] = [];
  let names = new Set<string>();
  let numbers = new Set<string>();
  for (const r of rows) {
    const repeats = names.has(r.username.toLowerCase()) || (r.numbers ?? []).some((n) => numbers.has(n));
    if (repeats) {
      results.push(...(await upsertPart(q, part, now)));
      part = [];
      names = new Set();
      numbers = new Set();
    }
    part.push(r);
    names.add(r.username.toLowerCase());
    for (const n of r.numbers ?? []) numbers.add(n);
  }
  results.push(...(await upsertPart(q, part, now)));
  return results;
}

/**
 * select id, username from accounts where lower(username) in (…);
 * select n.number, a.username from account_numbers n join accounts a on a.id = n.account_id where n.number in (…);
 * update accounts set password_hash, region[, credit_micros] … where id = ? (each existing account);
 * delete from account_numbers where account_id in (…) (existing accounts given numbers);
 * insert into accounts (…) values (…), (…) … returning id, username;
 * insert into account_numbers (number, account_id, position) values (…), (…) …
 */
async function upsertPart(q: Q, rows: readonly UpsertRow[], now: number): Promise<UpsertResult[]> {
  if (rows.length === 0) return [];
  const existing = new Map<string, { id: number; username: string }>();
  for (const part of chunks(rows, INSERT_ROWS)) {
    const found = await q
      .selectFrom('accounts')
      .select(['id', 'username'])
      .where(
        sql<string>`lower(username)`,
        'in',
        part.map((r) => r.username.toLowerCase()),
      )
      .execute();
    for (const f of found) existing.set(f.username.toLowerCase(), { id: Number(f.id), username: f.username });
  }
  const owners = new Map<string, string>();
  for (const part of chunks(
    rows.flatMap((r) => r.numbers ?? []),
    INSERT_ROWS,
  )) {
    const found = await q
      .selectFrom('account_numbers as n')
      .innerJoin('accounts as a', 'a.id', 'n.account_id')
      .select(['n.number', 'a.username'])
      .where('n.number', 'in', part)
      .execute();
    for (const f of found) owners.set(f.number, f.username);
  }
  const results: UpsertResult[] = [];
  const created: UpsertRow[] = [];
  const renumbered: Array<{ id: number; numbers: string[] }> = [];
  for (const r of rows) {
    const found = existing.get(r.username.toLowerCase());
    if (found && found.username !== r.username) {
      results.push({ error: `exists as ${found.username}; usernames are unique regardless of case` });
      continue;
    }
    const taken = (r.numbers ?? []).find((n) => owners.has(n) && owners.get(n) !== r.username);
    if (taken) {
      results.push({ error: `number ${taken} belongs to ${owners.get(taken)}` });
      continue;
    }
    if (!found) {
      created.push(r);
      results.push('created');
      continue;
    }
    await q
      .updateTable('accounts')
      .set({
        password_hash: r.passwordHash,
        region: r.region,
        ...(r.creditMicros === undefined ? {} : { credit_micros: r.creditMicros }),
        updated_at: now,
      })
      .where('id', '=', found.id)
      .execute();
    if (r.numbers !== undefined) renumbered.push({ id: found.id, numbers: r.numbers });
    results.push('updated');
  }
  if (renumbered.length > 0) {
    await q
      .deleteFrom('account_numbers')
      .where(
        'account_id',
        'in',
        renumbered.map((r) => r.id),
      )
      .execute();
  }
  for (const part of chunks(created, INSERT_ROWS)) {
    const ids = await q
      .insertInto('accounts')
      .values(
        part.map((r) => ({
          username: r.username,
          password_hash: r.passwordHash,
          region: r.region,
          credit_micros: r.creditMicros ?? null,
          created_at: now,
          updated_at: now,
        })),
      )
      .returning(['id', 'username'])
      .execute();
    const idOf = new Map(ids.map((i) => [i.username, Number(i.id)]));
    for (const r of part)
      if (r.numbers?.length) renumbered.push({ id: idOf.get(r.username)!, numbers: r.numbers });
  }
  const numberRows = renumbered.flatMap((r) =>
    r.numbers.map((number, position) => ({ number, account_id: r.id, position })),
  );
  for (const part of chunks(numberRows, INSERT_ROWS))
    await q.insertInto('account_numbers').values(part).execute();
  return results;
}
