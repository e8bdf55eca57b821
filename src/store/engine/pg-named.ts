/**
 * Server-side prepared statements for PostgreSQL, under Kysely.
 *
 * Kysely's pg driver sends every query unnamed, so the server parses and plans it each time; on the
 * Send Message path that was most of PostgreSQL's CPU per request. pg prepares a query once per
 * connection when it carries a `name`, and then only binds and executes it (node-postgres docs,
 * "Prepared statements"). So the pool handed to Kysely names each statement by a hash of its text.
 *
 * Bounded: Kysely's SQL is stable per query shape, but an `in (…)` list makes one text per length.
 * Only the first `maxNamed` distinct texts get a name (each costs memory on every connection);
 * later ones run unnamed as before. A statement without parameters (BEGIN, COMMIT, DDL) runs unnamed.
 */
import { createHash } from 'node:crypto';
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';

/** Wrap `pool` so that Kysely's queries run as named (prepared) statements. */
export function withNamedStatements(pool: pg.Pool, maxNamed = 200): PostgresPool {
  const names = new Map<string, string>();
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text);
    if (name === undefined && names.size < maxNamed) {
      name = `tb_${createHash('sha1').update(text).digest('base64url')}`;
      names.set(text, name);
    }
    return name;
  };
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      return {
        // biome-ignore lint/suspicious/noExplicitAny: the overloads (text or cursor) are pg's own
        query: ((textOrCursor: any, values?: readonly unknown[]) => {
          if (typeof textOrCursor !== 'string' || !values || values.length === 0)
            return client.query(textOrCursor, values as unknown[]);
          const name = nameOf(textOrCursor);
          return client.query(
            name ? { name, text: textOrCursor, values: values as unknown[] } : textOrCursor,
            name ? undefined : (values as unknown[]),
          );
        }) as unknown as PostgresPoolClient['query'],
        release: (destroy?: boolean) => client.release(destroy),
      };
    },
    end: () => pool.end(),
  };
}
