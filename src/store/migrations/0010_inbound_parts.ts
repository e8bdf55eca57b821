/**
 * Parts of concatenated inbound messages (SMPP MO, Vonage), kept until their message is whole so a
 * restart, or another instance, joins them. A group row per message being assembled, and a row per part
 * received; the group row outlives its parts by its timeout (`joined_at` set) so a resent part of a
 * message already joined is recognised and stored nowhere.
 */
import type { Kysely } from 'kysely';
import type { Dialect } from '../engine/db.js';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('inbound_part_groups')
    // `<carrier>|<from>|<to>|<ref>|<total>`
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('carrier', 'text', (c) => c.notNull())
    .addColumn('from_addr', 'text', (c) => c.notNull())
    .addColumn('to_addr', 'text', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('encoding', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    // Incomplete after this: joined with what arrived; joined before it: forgotten after it.
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('joined_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('inbound_part_groups_expiry')
    .on('inbound_part_groups')
    .column('expires_at')
    .execute();

  await db.schema
    .createTable('inbound_parts')
    .addColumn('group_key', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    // The part's user data, base64: the same column type on both engines.
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('inbound_parts_pk', ['group_key', 'seq'])
    .execute();
}
