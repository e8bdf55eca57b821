/**
 * Prices. Money is kept in micro-units (millionths of the account's currency) as integers, so sums and
 * refunds are exact on both stores; configuration speaks plain decimals (`0.04`).
 */

/** Rate table as configuration gives it: prefixes sorted longest first (config/index.ts does that). */
export interface RateTable {
  default: number;
  onNet: number;
  prefixes: ReadonlyArray<readonly [string, number]>;
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
