/**
 * The `log` carrier's key table: only the keys every carrier has. It sends nothing anywhere and records
 * each message as a log line (without its text).
 */
import type { Static } from 'typebox';
import { carrierKeys } from '../keys.js';

export const LogKeys = carrierKeys('log', 'a log carrier', {});

/** A log carrier's resolved slice. */
export type LogConfig = Static<typeof LogKeys>;
