/**
 * Delivery: find a message's job by its message id. The send fast path and
 * `messages retry <sms_id>` look a job up by `ref_id`; without this index each lookup scans every
 * queued job, which is 20,000 rows during a backlog.
 */
import type { Kysely } from 'kysely';
import type { Dialect } from '../engine/db.js';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.createIndex('jobs_ref').on('jobs').columns(['ref_id', 'kind']).execute();
}
