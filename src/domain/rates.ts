/**
 * Prices. Money is kept in micro-units (millionths of the account's currency) as integers, so sums and
 * refunds are exact on both stores; configuration speaks plain decimals (`0.04`).
 */

/** Rate table as configuration gives it: prefixes sorted longest first (config/index.ts does that). */
export interface RateTable {
  default: number;
  onNet: number;
  prefixes: ReadonlyArray<readonly [string, number]>;
  /** MMS prices (a picture message off-net): `default` absent = one segment's price to the number. */
  mms?: { default?: number; prefixes: ReadonlyArray<readonly [string, number]> };
}

export const MICROS = 1_000_000;

export const toMicros = (amount: number): number => Math.round(amount * MICROS);
export const fromMicros = (micros: number): number => micros / MICROS;

/** Price of one segment to `e164` in micros: the longest matching `+prefix` wins, else `default`. */
export function segmentPriceMicros(rates: RateTable, e164: string): number {
  for (const [prefix, price] of rates.prefixes) {
    if (e164.startsWith(prefix)) return toMicros(price);
  }
  return toMicros(rates.default);
}

/**
 * Price of one picture message to `e164` in micros, charged once instead of per segment: the longest
 * matching MMS prefix, else the MMS `default`, else one SMS segment's price to that number.
 */
export function mmsPriceMicros(rates: RateTable, e164: string): number {
  for (const [prefix, price] of rates.mms?.prefixes ?? []) {
    if (e164.startsWith(prefix)) return toMicros(price);
  }
  const d = rates.mms?.default;
  return d === undefined ? segmentPriceMicros(rates, e164) : toMicros(d);
}
