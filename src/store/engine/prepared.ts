/**
 * Statements compiled once by Kysely and run again with new parameter values.
 *
 * Building and compiling a Kysely query costs ~17 µs; running an already compiled one ~4 µs (measured
 * on the project machine, docs/benchmarks.md). Send Message and Fetch Messages run a few statements
 * per request, and the delivery path writes batches of outcomes a few hundred times a second, so the
 * hot statements are compiled once per database (per dialect) and later calls swap in their
 * parameters. The SQL, the plugins and the executor are Kysely's; only the re-compilation is skipped.
 *
 * Contract: `build(q, args)` writes the statement with the values of `args`, the way any Kysely query
 * is written; `params(args)` returns the same values, in the order the compiled SQL binds them (for an
 * insert, Kysely binds a row's values in the order of its object keys). The first call compiles from
 * its own arguments and checks that `params(args)` is exactly what Kysely bound, and rejects if not:
 * a misordered list fails on first use instead of returning or writing the wrong rows. The check
 * compares values, so it can only see a swap of two parameters whose values differ in that first call:
 * a statement's tests should call it with distinct values (test/store/prepared.test.ts shows the check).
 */
import { type Compilable, CompiledQuery, type Kysely, type QueryResult } from 'kysely';
import type { Q } from '../sql/accounts.js';
import type { DB } from '../sql/schema.js';

export interface Prepared<A, R> {
  run(q: Q, args: A): Promise<QueryResult<R>>;
}

/** An error when `values` are not exactly the values `c` was compiled with, in order. */
export function bindingMismatch(c: CompiledQuery, values: readonly unknown[]): Error | undefined {
  const bound = c.parameters;
  if (bound.length === values.length && bound.every((v, i) => Object.is(v, values[i]))) return undefined;
  return new Error(`prepared statement: params() do not match the bound values of: ${c.sql}`);
}

/** A statement of one shape (its SQL does not depend on its arguments), compiled once per database. */
export function prepare<A, R>(
  build: (q: Kysely<DB>, args: A) => Compilable<R>,
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
        c = build(q as Kysely<DB>, args).compile();
        const wrong = bindingMismatch(c, params(args));
        if (wrong) return Promise.reject(wrong);
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
 * size, checked as `prepare` checks, then reused with new values. The delivery path writes a batch of
 * outcomes a few hundred times a second with a handful of sizes, so rebuilding these was most of its
 * Kysely cost. At most `maxSizes` forms are kept per database; past that the cache starts again.
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
        const wrong = bindingMismatch(c, values);
        if (wrong) return Promise.reject(wrong);
        if (bySize.size >= maxSizes) bySize.clear();
        bySize.set(n, c);
      }
      return q.executeQuery<R>({ ...c, parameters: values });
    },
  };
}

/**
 * A PostgreSQL statement written by hand (data-modifying CTEs, `unnest` of arrays: what Kysely's
 * builder does not express), run as it is with new values each time. Kysely binds nothing here, so the
 * first call checks what the SQL itself declares: its placeholders are exactly `$1` … `$n` for the n
 * values of `params(args)`, each with a cast (`$3::text`, `$14::text[]`), and each value is of its
 * cast's kind (a string for text, an integer for integer and bigint, an array of those for `[]`;
 * null fits any). A list in the wrong order then fails on first use wherever two neighbours differ in
 * kind; two swapped values of one kind are left to the statement's tests.
 */
export function prepareRaw<A, R>(text: string, params: (args: A) => readonly unknown[]): Prepared<A, R> {
  const compiled = CompiledQuery.raw(text, []);
  let checked = false;
  return {
    run(q, args) {
      const values = params(args);
      if (!checked) {
        const wrong = placeholderMismatch(text, values);
        if (wrong) return Promise.reject(wrong);
        checked = true;
      }
      return q.executeQuery<R>({ ...compiled, parameters: values } as CompiledQuery<R>);
    },
  };
}

const KINDS: Record<string, (v: unknown) => boolean> = {
  text: (v) => typeof v === 'string',
  integer: (v) => Number.isInteger(v) || typeof v === 'bigint',
  bigint: (v) => Number.isInteger(v) || typeof v === 'bigint',
};

const fits = (v: unknown, kind: (v: unknown) => boolean, array: boolean): boolean =>
  v === null || (array ? Array.isArray(v) && v.every((e) => e === null || kind(e)) : kind(v));

/** An error when `text`'s placeholders are not `$1` … `$n` for `values`, each cast, each value of its kind. */
export function placeholderMismatch(text: string, values: readonly unknown[]): Error | undefined {
  const fail = (why: string) => new Error(`prepared statement: ${why} in: ${text}`);
  const seen = new Set<number>();
  for (const [, n, type, array] of text.matchAll(/\$(\d+)(?:::(\w+)(\[\])?)?/g)) {
    const i = Number(n);
    if (i < 1 || i > values.length) return fail(`$${i} has no value (${values.length} given)`);
    const kind = type === undefined ? undefined : KINDS[type];
    if (!kind) return fail(`$${i} has no cast to text, integer or bigint`);
    if (!fits(values[i - 1], kind, array !== undefined)) {
      return fail(`the value of $${i} is not ${type}${array ?? ''}`);
    }
    seen.add(i);
  }
  if (seen.size !== values.length) return fail(`${values.length - seen.size} values have no placeholder`);
  return undefined;
}
