/**
 * What every part of the configuration reader shares: its error and two small helpers.
 */

/**
 * A configuration mistake; the message starts with the key's full path (`server.prot is not a key of
 * server`). `textbridge serve` and `textbridge config check` print it and exit non-zero.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'SMS_ERR_CONFIG';
}

/** A parsed JSON object. */
export type Json = Record<string, unknown>;

/** A plain JSON object (not null, not an array). */
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Freeze `o` and everything under it (config is read once, then frozen). */
export function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
