/** `select count(*) as n from … where …` for any filtered select: the count statements share this. */
import type { SelectQueryBuilder } from 'kysely';

/** Run `select count(*)` over `query`'s tables and filters; pg returns the count as a string. */
export async function countRows<DB, TB extends keyof DB>(
  query: SelectQueryBuilder<DB, TB, object>,
): Promise<number> {
  const r = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  // Kysely cannot name the alias's column through the generic tables; the select above makes it `n`.
  return Number((r as { n: number | string }).n);
}
