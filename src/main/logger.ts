/** The process logger: JSON lines (pino), one per event, never a password or a message text. */
import pino, { type Logger } from 'pino';
import type { Config } from '../config/index.js';

/** The process logger: JSON lines; no request ever logs its query string or body (http/logging.ts). */
export function makeLogger(config: Pick<Config, 'log'>, destination?: pino.DestinationStream): Logger {
  return pino({ level: config.log.level, base: { service: 'textbridge' } }, destination);
}

/** What the configuration reader found to fix without stopping (deprecated keys): one line each. */
export function logConfigWarnings(config: Pick<Config, 'warnings'>, logger: Logger): void {
  for (const w of config.warnings) logger.warn({ config: 'warning' }, w);
}
