/** The process logger: JSON lines (pino), one per event, never a password or a message text. */
import pino, { type Logger } from 'pino';
import type { Config } from '../config/index.js';

/** The process logger: JSON lines; no request ever logs its query string or body (http/logging.ts). */
export function makeLogger(config: Pick<Config, 'log'>, destination?: pino.DestinationStream): Logger {
  return pino({ level: config.log.level, base: { service: 'textbridge' } }, destination);
}
