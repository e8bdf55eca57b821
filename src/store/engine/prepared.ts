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
import type { Q } from '../sql/accounts.js';
import type { DB } from '../sql/schema.js';

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

/**
 * A bulk statement whose SQL depends on how many items it carries (`in (?, ?, …)`, a multi-row insert,
 * a `case` with one branch per row): compiled once per `size(args)` from the first arguments of that
 * size, then reused with new values. The delivery path writes a batch of outcomes a few hundred
 * times a second with a handful of sizes, so rebuilding these was most of its Kysely cost.
 *
 * The first compile of each size checks that `params(args)` gives exactly the values Kysely bound, in
 * order, and rejects if not: a wrong order fails on first use instead of writing the wrong rows.
 * At most `maxSizes` forms are kept per database; past that the cache starts again.
 */
export function prepareSized<A, R>(
  build: (q: Kysely<DB>, args: A) => Compilable<R>,
  params: (args: A) => readonly unknown[],
  size: (args: A) => number,
  maxSizes = 512,
): Prepared<A, R> {
  const compiled = new WeakMap<object, Map<number, CompiledQuery<R>>>();
  return {
    run(q, args) {
      const key = q.getExecutor().adapter;
      let bySize = compiled.get(key);
      if (!bySize) {
        bySize = new Map();
        compiled.set(key, bySize);
      }
      const n = size(args);
      const values = params(args);
      let c = bySize.get(n);
      if (!c) {
        c = build(q as Kysely<DB>, args).compile();
        const bound = c.parameters;
        if (bound.length !== values.length || bound.some((v, i) => !Object.is(v, values[i]))) {
          return Promise.reject(
            new Error(`prepareSized: params() do not match the bound values of: ${c.sql}`),
          );
        }
        if (bySize.size >= maxSizes) bySize.clear();
        bySize.set(n, c);
      }
      return q.executeQuery<R>({ ...c, parameters: values });
    },
  };
}
