/** Message statements, one per function. */

import { SqliteAdapter, sql } from 'kysely';
import type { JobKind, JobLease, NewMessage } from '../../app/ports.js';
import type { Message, MessageStatus } from '../../domain/message.js';
import { chunks } from '../engine/batcher.js';
import { prepare, prepareSized } from '../engine/prepared.js';
import type { Q } from './accounts.js';
import { messageColumns, messageRow, messageValues } from './message-columns.js';

/**
 * SQLite reports the new rowid with every insert, so there it goes without `returning id`, which made
 * better-sqlite3 step the statement as a query (about 1 µs of a send's 7 µs insert, measured).
 */
const insertMessageStmt = prepare<{ m: NewMessage; now: number }, { id: number }>(
  (q, { m, now }) => {
    const insert = q.insertInto('messages').values(messageRow(m, now));
    return q.getExecutor().adapter instanceof SqliteAdapter ? insert : insert.returning('id');
  },
  ({ m, now }) => messageValues(m, now),
);

/** insert into messages … [returning id], compiled once (bounce notices; Send Message stores in bulk). */
export async function insertMessage(q: Q, m: NewMessage, now: number): Promise<number> {
  const r = await insertMessageStmt.run(q, { m, now });
  return Number(r.rows[0]?.id ?? r.insertId);
}

/** One job to enqueue: its kind, the message it is for, and the lease it is born with, if any. */
export interface JobRow {
  kind: JobKind;
  refId: number;
  lease?: JobLease | undefined;
}

/**
 * insert into jobs (kind, ref_id, run_at, …) values … (one row per kind). With `lease`, the rows are
 * born claimed by that worker (attempts = 1, as a claim would leave them): the send fast path makes the
 * first attempt itself and no other worker may take the job meanwhile (delivery).
 */
export function insertJobs(
  q: Q,
  kinds: readonly JobKind[],
  refId: number,
  now: number,
  lease?: JobLease,
): Promise<void> {
  return insertJobRows(
    q,
    kinds.map((kind) => ({ kind, refId, lease })),
    now,
  );
}

/** A job row's columns, in the order Kysely binds them (the object's key order). */
const jobRow = ({ kind, refId, lease }: JobRow, now: number) => ({
  kind,
  ref_id: refId,
  // A leased job is due again only when its lease ends (`claimDue`).
  run_at: lease ? now + lease.ms : now,
  attempts: lease ? 1 : 0,
  created_at: now,
  locked_by: lease ? lease.owner : null,
  locked_until: lease ? now + lease.ms : null,
});

/**
 * Compiled once per row count (store/engine/prepared.ts): built with Kysely for every accept batch,
 * this insert cost about 1 µs of each send's CPU.
 */
const insertJobsStmt = prepareSized<{ rows: readonly JobRow[]; now: number }, never>(
  (q, { rows, now }) => q.insertInto('jobs').values(rows.map((r) => jobRow(r, now))),
  // The row's own values in its key order, so the lease rule above is written once.
  ({ rows, now }) => {
    const values: unknown[] = [];
    for (const r of rows) for (const v of Object.values(jobRow(r, now))) values.push(v);
    return values;
  },
  ({ rows }) => rows.length,
);

/** Most job rows in one insert statement. */
export const JOB_ROWS_PER_INSERT = 500;

/** insert into jobs … values (…), (…), …: the rows of several messages, 500 to a statement. */
export async function insertJobRows(q: Q, rows: readonly JobRow[], now: number): Promise<void> {
  for (const part of chunks(rows, JOB_ROWS_PER_INSERT)) await insertJobChunk(q, part, now);
}

/** One statement of `insertJobRows` (at most `JOB_ROWS_PER_INSERT` rows): its result, insert id included. */
export function insertJobChunk(q: Q, rows: readonly JobRow[], now: number) {
  return insertJobsStmt.run(q, { rows, now });
}

type Row = Omit<Message, 'displayed' | 'status'> & { displayed: number; status: string };

export const toMessage = (r: Row): Message => ({
  ...r,
  id: Number(r.id),
  status: r.status as MessageStatus,
  displayed: r.displayed === 1,
});

/** select … from messages where id = ? */
export async function findMessage(q: Q, id: number): Promise<Message | undefined> {
  const r = await q.selectFrom('messages').select(messageColumns).where('id', '=', id).executeTakeFirst();
  return r && toMessage(r);
}

/** messages_status's predicate (migration 0009), repeated so the planner can use that partial index. */
const OPEN_STATUS = "status <> 'delivered' and status <> 'sent' and status <> 'received'";
const FINAL: readonly MessageStatus[] = ['delivered', 'sent', 'received'];

/** Filter for the CLI's `messages list`. */
export interface MessageFilter {
  accountId?: number;
  status?: MessageStatus;
  limit: number;
}

/** select … from messages [where account is sender or recipient] [and status = ?] order by id desc limit ? */
export function listMessagesQuery(q: Q, f: MessageFilter) {
  let query = q.selectFrom('messages').select(messageColumns);
  if (f.accountId !== undefined) {
    const id = f.accountId;
    query = query.where((eb) =>
      eb.or([eb('sender_account_id', '=', id), eb('recipient_account_id', '=', id)]),
    );
  }
  if (f.status) {
    // Open statuses are in the partial index messages_status, used only when the query repeats its
    // predicate word for word (migration 0009); the final ones are common enough to walk the ids for.
    if (!FINAL.includes(f.status)) query = query.where(sql.raw<boolean>(OPEN_STATUS));
    query = query.where('status', '=', f.status);
  }
  return query.orderBy('id', 'desc').limit(f.limit);
}

export async function listMessages(q: Q, f: MessageFilter): Promise<Message[]> {
  return (await listMessagesQuery(q, f).execute()).map(toMessage);
}
