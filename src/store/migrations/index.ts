/**
 * Append-only numbered migrations, listed here in code (no folder scanning, so `tsx` and the built
 * `dist/` behave the same). On PostgreSQL, Kysely's migrator holds an advisory lock while it runs, so
 * several instances starting at once migrate exactly once.
 */
import { type Kysely, type Migration, Migrator } from 'kysely';
import type { Db, Dialect } from '../engine/db.js';
import * as m0001 from './0001_init.js';
import * as m0002 from './0002_delivery.js';
import * as m0003 from './0003_two_way.js';
import * as m0004 from './0004_scale.js';
import * as m0005 from './0005_send_rate.js';
import * as m0006 from './0006_unread_index.js';
import * as m0007 from './0007_lookup_generation.js';
import * as m0008 from './0008_lean_message_indexes.js';
import * as m0009 from './0009_status_index_predicate.js';
import * as m0010 from './0010_inbound_parts.js';
import * as m0011 from './0011_username_case.js';
import * as m0012 from './0012_carrier_ref_reuse.js';
import * as m0013 from './0013_account_profile.js';
import * as m0014 from './0014_media.js';
import * as m0015 from './0015_message_events.js';
import * as m0016 from './0016_webhook_events.js';
import * as m0017 from './0017_admin.js';
import * as m0018 from './0018_inbound_media.js';
import * as m0019 from './0019_accept_columns.js';
import * as m0020 from './0020_lean_offnet_writes.js';

type Step = { up(db: Kysely<unknown>, dialect: Dialect): Promise<void> };
const STEPS: Record<string, Step> = {
  '0001_init': m0001,
  '0002_delivery': m0002,
  '0003_two_way': m0003,
  '0004_scale': m0004,
  '0005_send_rate': m0005,
  '0006_unread_index': m0006,
  '0007_lookup_generation': m0007,
  '0008_lean_message_indexes': m0008,
  '0009_status_index_predicate': m0009,
  '0010_inbound_parts': m0010,
  '0011_username_case': m0011,
  '0012_carrier_ref_reuse': m0012,
  '0013_account_profile': m0013,
  '0014_media': m0014,
  '0015_message_events': m0015,
  '0016_webhook_events': m0016,
  '0017_admin': m0017,
  '0018_inbound_media': m0018,
  '0019_accept_columns': m0019,
  '0020_lean_offnet_writes': m0020,
};

/**
 * Bring the schema up to date, or up to the migration `upTo` (a database as an older version left
 * it, for the tests of a migration). Throws with the failing migration's name.
 */
export async function migrate(db: Db, upTo?: string): Promise<void> {
  const migrations: Record<string, Migration> = {};
  for (const [name, step] of Object.entries(STEPS)) {
    migrations[name] = { up: (k) => step.up(k, db.dialect) };
  }
  const migrator = new Migrator({
    db: db.kysely,
    provider: { getMigrations: async () => migrations },
  });
  const { error, results } = await (upTo === undefined
    ? migrator.migrateToLatest()
    : migrator.migrateTo(upTo));
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${(error as Error).message ?? String(error)}`);
  }
}
