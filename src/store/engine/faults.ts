/**
 * Store faults: the errors that mean "the store cannot write now" (a full disk, an I/O error, a lost
 * or refused database connection), as opposed to a bug or a constraint a request broke.
 *
 * Such an error becomes `storeUnavailable()` (503, "Service temporarily unavailable, message not sent")
 * wherever it surfaces; the store remembers it until a write succeeds again, so readiness can answer
 * 503 meanwhile (store/adapters/health.ts); and it is logged as one line per burst naming the cause
 * and the store, with the count of the occurrences that line stands for.
 *
 * The codes:
 * - SQLite's primary result codes SQLITE_FULL, SQLITE_IOERR (with its extended codes), SQLITE_READONLY
 *   and SQLITE_CANTOPEN (https://www.sqlite.org/rescode.html); better-sqlite3 puts the extended code
 *   name in `err.code`.
 * - PostgreSQL's SQLSTATE classes 53 (insufficient resources: 53100 disk_full, 53200 out_of_memory,
 *   53300 too_many_connections), 08 (connection exception) and 57P01-57P03 (the server shutting down
 *   or not yet accepting connections): https://www.postgresql.org/docs/current/errcodes-appendix.html
 * - Node's own errors on the way: ENOSPC and EIO from the WAL's fdatasync, and a connection to the
 *   PostgreSQL server refused, reset or dropped (pg's "Connection terminated" carries no code).
 */
import { SmsError, storeUnavailable } from '../../errors.js';

/** What a fault is, for the log and readiness: `disk full (SQLITE_FULL)`. */
export interface Fault {
  cause: string;
  code: string;
}

const NODE_CAUSES: Record<string, string> = {
  ENOSPC: 'disk full',
  EDQUOT: 'disk quota exceeded',
  EIO: 'I/O error',
  EROFS: 'read-only file system',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection lost',
  EPIPE: 'connection lost',
  ETIMEDOUT: 'connection timed out',
};

/** The fault `err` stands for, or undefined when it is not one (a bug, a constraint, a refusal). */
export function classifyFault(err: unknown): Fault | undefined {
  if (err instanceof SmsError) return undefined;
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (code === 'SQLITE_FULL') return { cause: 'disk full', code };
  if (code.startsWith('SQLITE_IOERR')) return { cause: 'I/O error', code };
  if (code.startsWith('SQLITE_READONLY')) return { cause: 'read-only', code };
  if (code.startsWith('SQLITE_CANTOPEN')) return { cause: 'cannot open the database file', code };
  const node = NODE_CAUSES[code];
  if (node) return { cause: node, code };
  if (/^[0-9A-Z]{5}$/.test(code)) {
    if (code === '53100') return { cause: 'disk full', code };
    if (code === '53200') return { cause: 'out of memory', code };
    if (code === '53300') return { cause: 'too many connections', code };
    if (code.startsWith('53')) return { cause: 'insufficient resources', code };
    if (code.startsWith('08')) return { cause: 'connection lost', code };
    if (code === '57P01' || code === '57P02') return { cause: 'database server shutting down', code };
    if (code === '57P03') return { cause: 'database server not accepting connections', code };
  }
  const message = typeof e?.message === 'string' ? e.message : '';
  if (/^Connection terminated/.test(message)) return { cause: 'connection lost', code: 'terminated' };
  return undefined;
}

/** The logger's part the store needs (pino's signature). */
export interface FaultLog {
  error(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
}

/**
 * The store's fault memory for one open database: the last fault until a write succeeds again, and
 * the log, at most one line per `quietMs` (default 10 s) with the number of faults it stands for.
 */
export class StoreFaults {
  private last: (Fault & { at: number }) | undefined;
  private loggedAt = Number.NEGATIVE_INFINITY;
  private suppressed = 0;
  private total = 0;
  private log: FaultLog | undefined;
  private serving = false;

  constructor(
    /** Where the store lives, for the log line (a file, or the URL without its password). */
    private readonly where: string,
    private readonly quietMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * This store serves phones (`serve`, `worker`): log faults to `log`, and answer them with the
   * phone's sentence. Otherwise (the CLI) the error's message is for the operator: it names the cause
   * and the store, as `describe(fault, true)` does.
   */
  serve(log: FaultLog): void {
    this.log = log;
    this.serving = true;
  }

  /** The fault remembered since the last successful write, if any. */
  get current(): Fault | undefined {
    return this.last && { cause: this.last.cause, code: this.last.code };
  }

  /** Milliseconds since the remembered fault was last seen (Infinity when none). */
  sinceLast(): number {
    return this.last ? this.now() - this.last.at : Number.POSITIVE_INFINITY;
  }

  /** `store cannot write: disk full (SQLITE_FULL)`; `at` adds ` at /var/lib/textbridge/textbridge.db`. */
  describe(f: Fault | undefined = this.current, at = false): string {
    if (!f) return 'store writes';
    return `store cannot write: ${f.cause} (${f.code})${at ? ` at ${this.where}` : ''}`;
  }

  /**
   * If `err` is a fault: remember and log it, and return the error to throw instead
   * (`storeUnavailable`). Anything else is returned as it is.
   */
  translate(err: unknown): unknown {
    if (err instanceof SmsError && err.code === 'SMS_ERR_STORE_UNAVAILABLE') return err;
    const f = classifyFault(err);
    if (!f) return err;
    this.seen(f);
    const detail = { cause: f.cause, code: f.code };
    return this.serving ? storeUnavailable(detail) : storeUnavailable(detail, this.describe(f, true));
  }

  /** A write reached the store: forget the fault (and say so once). */
  wrote(): void {
    if (!this.last) return;
    const was = this.last;
    this.last = undefined;
    this.log?.info(
      { store: this.where, cause: was.cause, code: was.code, failures: this.total },
      'store writes again',
    );
    this.total = 0;
    this.suppressed = 0;
    this.loggedAt = Number.NEGATIVE_INFINITY;
  }

  private seen(f: Fault): void {
    const t = this.now();
    const changed = !this.last || this.last.code !== f.code;
    this.last = { ...f, at: t };
    this.total++;
    if (!changed && t - this.loggedAt < this.quietMs) {
      this.suppressed++;
      return;
    }
    this.log?.error(
      { store: this.where, cause: f.cause, code: f.code, suppressed: this.suppressed },
      this.describe(f, true),
    );
    this.loggedAt = t;
    this.suppressed = 0;
  }
}
