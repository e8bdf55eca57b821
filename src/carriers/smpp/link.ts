/**
 * The SMPP link as the operator sees it, for `carriers/smpp/adapter.ts`: one warn line when the link
 * goes down (with its cause), one info line when it is up, and only a debug line for each further
 * attempt while it stays down, so an SMSC outage of a night writes two lines, not thousands. Also the
 * wait before the next bind attempt.
 */
import type { Log } from '../../app/ports.js';
import type { ResolvedSmppConfig } from './config.js';

/** Where the adapter reports its link (pino's method shape). `debug` is optional. */
export type LinkLog = Pick<Log, 'warn' | 'info'> & { debug?(fields: object, msg: string): void };

/** Logs the link's transitions, not its attempts. */
export class LinkReporter {
  /** A down line was logged and no up line since. */
  #down = false;
  readonly #fields: { carrier: string; smsc: string };

  constructor(
    private readonly log: LinkLog | undefined,
    cfg: Pick<ResolvedSmppConfig, 'name' | 'host' | 'port'>,
  ) {
    this.#fields = { carrier: cfg.name, smsc: `${cfg.host}:${cfg.port}` };
  }

  /** Bound: logged at the first bind and when the link comes back after a logged down. */
  up(first: boolean): void {
    if (first || this.#down) this.log?.info(this.#fields, 'SMPP link up');
    this.#down = false;
  }

  /** An attempt failed or a bound link was lost; the next attempt is in `retryInMs`. */
  down(cause: string, retryInMs: number): void {
    const fields = { ...this.#fields, cause, retryInMs: Math.round(retryInMs) };
    if (this.#down) {
      this.log?.debug?.(fields, 'SMPP bind attempt failed; still retrying');
    } else {
      this.#down = true;
      this.log?.warn(fields, 'SMPP link down; retrying with backoff');
    }
  }
}

/**
 * Wait before bind attempt number `attempt` (0-based, counted since the link was last up): doubling from
 * `minMs` to `maxMs`, with jitter (half to full delay) so many clients do not rebind in step. After an
 * SMSC refused our credentials the wait follows `refusedMinMs`…`refusedMaxMs` instead: every refused
 * bind is a failed login at the SMSC, and SMSCs lock an account after a few of them in a row.
 */
export function reconnectDelay(
  reconnect: ResolvedSmppConfig['reconnect'],
  attempt: number,
  refused: boolean,
): number {
  const min = refused ? reconnect.refusedMinMs : reconnect.minMs;
  const max = refused ? reconnect.refusedMaxMs : reconnect.maxMs;
  const delay = Math.min(max, min * 2 ** Math.min(attempt, 30));
  return delay / 2 + (Math.random() * delay) / 2;
}
