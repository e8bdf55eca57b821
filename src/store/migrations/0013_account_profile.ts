/**
 * An account's profile for the on-net directory (Web Service Contacts): an optional display name, and
 * an optional group that `contacts.show: "group"` lists together. Both nullable, so existing accounts
 * keep working unchanged; the index serves the directory of one group.
 *
 * Neither is read by the account lookups (the embedded store's lookup cache, migration 0007), so
 * their changes need no generation trigger: the directory is read from the table on each request.
 */
import type { Kysely } from 'kysely';
import type { Dialect } from '../engine/db.js';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('accounts').addColumn('display_name', 'text').execute();
  await db.schema.alterTable('accounts').addColumn('contact_group', 'text').execute();
  await db.schema
    .createIndex('accounts_contact_group')
    .on('accounts')
    .columns(['contact_group', 'username'])
    .execute();
}
