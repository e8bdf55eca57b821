/** The process logger: JSON lines (pino), one per event, never a password or a message text. */
import pino, { type Logger } from 'pino';
import type { Config } from '../config/index.js';
import { maskNumber, maskNumbersIn } from '../domain/redact.js';

/**
 * Keys whose values are phone numbers wherever the code logs them, and `path` (a URL path may carry
 * one). Masked by pino's redaction (https://getpino.io/#/docs/redaction) as `domain/redact.ts` says,
 * unless `log.showNumbers` is on.
 */
const NUMBER_PATHS = ['from', 'to', 'number', 'numbers[*]', 'path', 'req.path'];

/** The process logger: JSON lines; no request ever logs its query string or body (http/logging.ts). */
export function makeLogger(
  config: { log: Pick<Config['log'], 'level'> & Partial<Config['log']> },
  destination?: pino.DestinationStream,
): Logger {
  return pino(
    {
      level: config.log.level,
      base: { service: 'textbridge' },
      ...(config.log.showNumbers
        ? {}
        : {
            redact: {
              paths: NUMBER_PATHS,
              censor: (value: unknown, path: string[]) =>
                path[path.length - 1] === 'path' && typeof value === 'string'
                  ? maskNumbersIn(value)
                  : maskNumber(value),
            },
          }),
    },
    destination,
  );
}

/** What the configuration reader found to fix without stopping (deprecated keys): one line each. */
export function logConfigWarnings(config: Pick<Config, 'warnings'>, logger: Logger): void {
  for (const w of config.warnings) logger.warn({ config: 'warning' }, w);
}
