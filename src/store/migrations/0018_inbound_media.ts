/**
 * Inbound picture messages held while their media is fetched: the message as it will be stored, the
 * carrier's media list, and the inbound key that stores a carrier's retry once. A row is written with its
 * `inbound-media` job in the webhook's transaction (so the webhook is answered only once both are durable)
 * and deleted once the message is in the inbox; the message becomes visible to Fetch Messages only then,
 * with an id newer than any the app has seen.
 */
import type { Kysely } from 'kysely';
import type { Dialect } from '../engine/db.js';
import { idColumn } from './helpers.js';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('inbound_media')
    .$call(idColumn(dialect))
    // `<carrier>|<carrier message id>`, as the message will carry it.
    .addColumn('inbound_key', 'text', (c) => c.notNull().unique())
    // The message to store (JSON of the app's NewMessage) and the media to fetch (JSON list).
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('media', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}
