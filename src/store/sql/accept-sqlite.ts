/**
 * Group accept for the embedded store: the messages of one group-commit batch (store/engine/group-commit.ts, a
 * lane) are charged one by one, then stored by one multi-row insert and enqueued by one more.
 *
 * One statement per message cost ~2 µs more per send than one per batch (bench, 2026-11-24): each went
 * through Kysely's executor on its own (half a dozen promises), and SQLite opened the table's and the
 * indexes' cursors, and read `sqlite_sequence`, for every row instead of once per statement.
 *
 * - Charges stay one statement per charged message, in arrival order, so a sender's credit is checked
 *   message by message and never goes below zero; a refused one is that message's outcome
 *   (`notEnoughCredit`), before anything of it was written, and the batch goes on.
 * - Ids: `messages.id` is `integer primary key autoincrement`, and this transaction is the only
 *   writer (one connection; SQLite's write lock). SQLite gives each new row max(largest id ever, largest
 *   id now) + 1 (sqlite.org/autoinc.html), row by row in the order of the VALUES list, so the rows of
 *   one insert get consecutive ids ending at the statement's last insert rowid. The insert's changed
 *   row count is checked against the row count; a mismatch rolls the batch back.
 * - At most `ROWS_PER_INSERT` rows per statement (one value per declared column each,
 *   store/sql/message-columns.ts): one compiled form per size
 *   (store/engine/prepared.ts), and a large batch is a few statements.
 */
import type { QueryResult, Transaction } from 'kysely';
import type { Accepted, JobKind, JobLease, NewMessage } from '../../app/ports.js';
import { notEnoughCredit } from '../../errors.js';
import { chunks } from '../engine/batcher.js';
import type { Outcome } from '../engine/group-commit.js';
import { prepareSized } from '../engine/prepared.js';
import { chargeCredit } from './accounts.js';
import { messageRow, pushMessageValues } from './message-columns.js';
import { insertJobChunk, JOB_ROWS_PER_INSERT, type JobRow } from './messages.js';
import type { DB } from './schema.js';

export interface AcceptItem {
  message: NewMessage;
  jobs: readonly JobKind[];
  lease?: JobLease | undefined;
}

const ROWS_PER_INSERT = 64;

const insertRows = prepareSized<{ rows: readonly NewMessage[]; now: number }, never>(
  (q, { rows, now }) => q.insertInto('messages').values(rows.map((m) => messageRow(m, now))),
  // A loop, not `flatMap`: flatMap took ~1 µs a row (V8's generic path). No row object either: the
  // values go straight into one array, in the declared column order (store/sql/message-columns.ts).
  ({ rows, now }) => {
    const values: unknown[] = [];
    for (const m of rows) pushMessageValues(values, m, now);
    return values;
  },
  ({ rows }) => rows.length,
);

/**
 * Multi-row inserts of `rows` in chunks (`insert`, one statement each): the new ids, in the order of
 * `rows`. Each statement's rows have consecutive ids ending at its last insert rowid (above).
 */
async function insertInOrder<T>(
  rows: readonly T[],
  size: number,
  what: string,
  insert: (part: readonly T[]) => Promise<QueryResult<unknown>>,
): Promise<number[]> {
  const ids: number[] = [];
  for (const part of chunks(rows, size)) {
    const r = await insert(part);
    if (Number(r.numAffectedRows) !== part.length || r.insertId === undefined) {
      throw new Error(`insert of ${part.length} ${what} reported ${r.numAffectedRows} rows`);
    }
    const first = Number(r.insertId) - part.length + 1;
    for (let i = 0; i < part.length; i++) ids.push(first + i);
  }
  return ids;
}

/**
 * The lane's write: charge each, store the accepted ones, enqueue their jobs. One outcome per item:
 * the message id, and the id of its first job when it was leased (the first attempt needs it, and is
 * spared looking it up).
 */
export async function acceptAll(
  trx: Transaction<DB>,
  items: AcceptItem[],
  now: number,
): Promise<Array<Outcome<Accepted>>> {
  const outcomes: Array<Outcome<Accepted>> = new Array(items.length);
  const kept: number[] = [];
  for (let i = 0; i < items.length; i++) {
    const m = items[i]!.message;
    if (m.chargeMicros > 0 && m.senderAccountId !== null) {
      if (!(await chargeCredit(trx, m.senderAccountId, m.chargeMicros))) {
        outcomes[i] = { ok: false, error: notEnoughCredit() };
        continue;
      }
    }
    kept.push(i);
  }
  const ids = await insertInOrder(
    kept.map((i) => items[i]!.message),
    ROWS_PER_INSERT,
    'messages',
    (part) => insertRows.run(trx, { rows: part, now }),
  );
  const jobs: JobRow[] = [];
  // Where each kept item's first job is in `jobs` (-1: none or not leased).
  const firstJob: number[] = [];
  for (const [k, i] of kept.entries()) {
    const { jobs: kinds, lease } = items[i]!;
    firstJob.push(lease && kinds.length > 0 ? jobs.length : -1);
    for (const kind of kinds) jobs.push({ kind, refId: ids[k]!, lease });
  }
  const jobIds = await insertInOrder(jobs, JOB_ROWS_PER_INSERT, 'jobs', (part) =>
    insertJobChunk(trx, part, now),
  );
  for (const [k, i] of kept.entries()) {
    const at = firstJob[k]!;
    outcomes[i] = { ok: true, value: { id: ids[k]!, leasedJob: at < 0 ? undefined : jobIds[at] } };
  }
  return outcomes;
}
