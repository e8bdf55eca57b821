/** A migrated, empty store for tests: a fresh SQLite file, or a fresh PostgreSQL database (pg.ts). */
import { CompiledQuery } from 'kysely';
import type { NewMessage } from '../../src/app/ports.js';
import { CONTENT_TYPE_TEXT } from '../../src/domain/message.js';
import { chunks } from '../../src/store/engine/batcher.js';
import { type Db, openDb } from '../../src/store/engine/db.js';
import { migrate } from '../../src/store/migrations/index.js';
import { messageRow } from '../../src/store/sql/message-columns.js';
import { tempDir } from './files.js';
import { freshDatabaseUrl } from './pg.js';

/** Open a fresh store in its own folder (or database); `dataDir` reopens an existing SQLite store. */
export async function freshDb(dataDir = tempDir()): Promise<Db & { dataDir: string; url: string }> {
  const url = await freshDatabaseUrl();
  const db = openDb({ dataDir, databaseUrl: url });
  await migrate(db);
  return Object.assign(db, { dataDir, url });
}

/**
 * A text message as Send Message would store it, for tests: outbound (no recipient account), `toRaw`
 * the same as `to`, plain text, queued, one segment, free. `m` gives the rest and any of these.
 */
export function textMessage(
  m: Pick<NewMessage, 'senderAccountId' | 'from' | 'to' | 'body'> & Partial<NewMessage>,
): NewMessage {
  return {
    recipientAccountId: null,
    toRaw: m.to,
    contentType: CONTENT_TYPE_TEXT,
    dispositionNotification: null,
    smart: false,
    status: 'queued',
    segments: 1,
    chargeMicros: 0,
    ...m,
  };
}

/**
 * Queue `n` outbound text messages straight into the store, each with its deliver job (not leased: any
 * worker may claim it), in one transaction: what the crash, scale and delivery benchmarks drain. `m(i)`
 * gives the i-th message's sender, addresses and text. Returns the new ids.
 */
export async function queueMessages(
  db: Db,
  n: number,
  m: (i: number) => Pick<NewMessage, 'senderAccountId' | 'from' | 'to' | 'body'>,
): Promise<number[]> {
  const now = Date.now();
  return db.kysely.transaction().execute(async (trx) => {
    const ids: number[] = [];
    const rows = Array.from({ length: n }, (_, i) => {
      const { senderAccountId, from, to, body } = m(i);
      return messageRow(textMessage({ senderAccountId, from, to, body }), now);
    });
    for (const part of chunks(rows, 500)) {
      const got = (await trx.insertInto('messages').values(part).returning('id').execute()).map((r) =>
        Number(r.id),
      );
      ids.push(...got);
      await trx
        .insertInto('jobs')
        .values(got.map((id) => ({ kind: 'deliver', ref_id: id, run_at: now, attempts: 0, created_at: now })))
        .execute();
    }
    return ids;
  });
}

/**
 * The plan of the compiled query `c`: SQLite's `explain query plan` details joined by " | ", or
 * PostgreSQL's `explain` lines. On PostgreSQL sequential scans are off (a table of a few rows is read
 * whole whatever its indexes; this shows the plan of a big one), and with `noBitmap` bitmap scans too (on
 * a few rows a bitmap scan and a sort look cheapest; a big table is walked in order with the limit).
 */
export async function queryPlan(
  db: Db,
  c: { sql: string; parameters: readonly unknown[] },
  opts: { noBitmap?: boolean } = {},
): Promise<string> {
  if (db.dialect === 'sqlite') {
    const r = await db.kysely.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`explain query plan ${c.sql}`, [...c.parameters]),
    );
    return r.rows.map((x) => x.detail).join(' | ');
  }
  return db.kysely.transaction().execute(async (trx) => {
    await trx.executeQuery(CompiledQuery.raw('set local enable_seqscan = off'));
    if (opts.noBitmap) await trx.executeQuery(CompiledQuery.raw('set local enable_bitmapscan = off'));
    const r = await trx.executeQuery<Record<string, string>>(
      CompiledQuery.raw(`explain ${c.sql}`, [...c.parameters]),
    );
    return r.rows.map((x) => x['QUERY PLAN']).join('\n');
  });
}
