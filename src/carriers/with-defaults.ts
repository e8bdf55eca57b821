/**
 * A carrier's configuration slice with its defaults filled in, for code that builds a carrier without
 * the configuration reader: tests and benchmarks. Its own module, so that the service, which reads
 * configuration through `config/`, never loads TypeBox's value library (about 150 ms at start).
 */
import type { Static, TObject } from 'typebox';
import { Value } from 'typebox/value';

/** `given` with every default of `schema` filled in. Unknown keys are not checked here. */
export function withDefaults<S extends TObject>(schema: S, given: DeepPartial<Static<S>>): Static<S> {
  return Value.Default(schema, Value.Clone(given)) as Static<S>;
}

export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;
