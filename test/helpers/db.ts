/** A migrated, empty store for tests: a fresh SQLite file, or a fresh PostgreSQL database (pg.ts). */
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
