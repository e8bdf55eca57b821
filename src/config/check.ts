/**
 * Small validation helpers shared by the configuration readers (`config/index.ts`, `config/delivery.ts`,
 * `config/two-way.ts`): each check throws a `ConfigError` that names the full key, so boot fails with
 * the name of the bad key (STYLE.md habit 4).
 */

/** A configuration mistake; the message starts with the key's full name. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** A parsed JSON object. */
export type Json = Record<string, unknown>;

/** A plain JSON object (not null, not an array). */
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `o[key]` as an object ({} when absent). */
export function obj(o: Json, key: string): Json {
  const v = o[key];
  if (v === undefined) return {};
  if (!isObject(v)) throw new ConfigError(`${key} must be an object`);
  return v;
}
/** `o[key]` as an array ([] when absent). */
export function arr(o: Json, key: string): unknown[] {
  const v = o[key];
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new ConfigError(`${key} must be an array`);
  return v;
}
/** The string at the last segment of dotted `name`, or `def`. */
export function str(o: Json, name: string, def: string): string {
  const v = o[name.split('.').pop()!];
  if (v === undefined) return def;
  if (typeof v !== 'string') throw new ConfigError(`${name} must be a string`);
  return v;
}
/** The boolean at the last segment of dotted `name`, or `def`. */
export function bool(o: Json, name: string, def: boolean): boolean {
  const v = o[name.split('.').pop()!];
  if (v === undefined) return def;
  if (typeof v !== 'boolean') throw new ConfigError(`${name} must be true or false`);
  return v;
}
/** The whole number in [min, max] at the last segment of dotted `name`, or `def`. */
export function int(o: Json, name: string, def: number, min: number, max: number): number {
  const v = o[name.split('.').pop()!];
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}`);
  }
  return v;
}
/** One of `allowed` at key `name`, or `def`. */
export function oneOf<T extends string>(o: Json, name: string, allowed: readonly T[], def: T): T {
  const v = o[name];
  if (v === undefined) return def;
  if (!allowed.includes(v as T)) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}`);
  return v as T;
}

/** Freeze `o` and everything under it (config is read once, then frozen). */
export function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
