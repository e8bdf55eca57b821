/**
 * Money as the app shows it: an amount in micro-units (domain/rates.ts) written as a decimal, put into
 * the provider's format (`"%currency% %amount%"`, `"$%amount%"`). Integer arithmetic only, so what is
 * shown is exactly what is kept or charged, never a binary-floating-point neighbour of it.
 */
import { MICROS } from './rates.js';

const FRACTION_DIGITS = String(MICROS).length - 1;

/**
 * A non-negative amount of micro-units as a decimal with a dot: cut to `decimals` places (never
 * rounded up, so a balance is never shown larger than it is), or with `exact`, at least `decimals`
 * places and as many more as the amount needs (a price of 0.0075 stays 0.0075).
 */
export function formatMicros(micros: number, decimals: number, exact = false): string {
  const whole = Math.floor(micros / MICROS);
  let fraction = String(micros - whole * MICROS).padStart(FRACTION_DIGITS, '0');
  fraction = exact ? fraction.replace(/0+$/, '').padEnd(decimals, '0') : fraction.slice(0, decimals);
  return fraction === '' ? String(whole) : `${whole}.${fraction}`;
}

/** The provider's money format with its placeholders filled in (each replaced once, as written). */
export function fillMoney(format: string, amount: string, currency: string): string {
  return format.replace(/%(amount|currency)%/g, (_, name: string) => (name === 'amount' ? amount : currency));
}
