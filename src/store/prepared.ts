/**
 * Hot-path statements compiled once by Kysely and run again with new parameter values.
 *
 * Building and compiling a Kysely query costs ~17 µs; running an already compiled one ~4 µs (measured
 * on the project machine, docs/benchmarks.md). Send Message runs three statements per request, so the
 * hot ones are compiled once per database (per dialect) from a sample, and later calls swap in their
 * parameters. The SQL, the plugins and the executor are Kysely's; only the re-compilation is skipped.
 *
 * Contract: `params(args)` must return the values in the order the sample's compiled SQL binds them.
 * For a `where x = ?` lookup that is the one value; for an insert, Kysely binds a row's values in the
 * order of its object keys, so build the values object with one fixed key order (tests compare both ways).
 */
import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { Q } from './accounts.js';
import type { DB } from './schema.js';

export interface Prepared<A, R> {
  run(q: Q, args: A): Promise<QueryResult<R>>;
}

export function prepare<A, R>(
  build: (q: Kysely<DB>) => Compilable<R>,
  params: (args: A) => readonly unknown[],
): Prepared<A, R> {
  // One compiled form per Kysely instance (dialect); transactions share their parent's adapter, so
  // they are keyed by the SQL builder they were compiled with on first use.
  const compiled = new WeakMap<object, CompiledQuery<R>>();
  let lastDialectKey: object | undefined;
  let last: CompiledQuery<R> | undefined;
  return {
    run(q, args) {
      const key = q.getExecutor().adapter;
      let c = key === lastDialectKey ? last : compiled.get(key);
      if (!c) {
        c = build(q as Kysely<DB>).compile();
        compiled.set(key, c);
      }
      lastDialectKey = key;
      last = c;
      return q.executeQuery<R>({ ...c, parameters: params(args) });
    },
  };
}
