/**
 * Event webhooks in the store (docs/webhooks.md): the recorder the other adapters call inside the
 * transaction of a message's change, and the `WebhookEventStore` port of the `webhook` job.
 */

import type { Clock } from '../../app/ports.js';
import {
  type MessageChange,
  messageEventRows,
  type WebhookEndpoint,
  wantsChange,
  wantsEvent,
} from '../../app/webhook-events.js';
import type { WebhookEventStore } from '../../app/webhook-job.js';
import type { Db } from '../engine/db.js';
import { LOW_CREDIT_SETTING } from '../migrations/0016_webhook_events.js';
import type { Q } from '../sql/accounts.js';
import { insertEvents } from '../sql/events.js';
import { deleteJobs, rescheduleJob } from '../sql/outbox.js';
import {
  deleteWebhookEvent,
  insertWebhookEvents,
  selectMessageFacts,
  selectWebhookEvent,
  setSetting,
} from '../sql/webhook-events.js';

/** Stores the events of a change in the caller's transaction. */
export interface EventRecorder {
  /**
   * Messages `ids` just changed (`change`) in transaction `q`: store their events for every subscribed
   * endpoint. Reads nothing when no endpoint wants this change. Only messages whose status is now the
   * change's are reported (a message the statement did not move is left out).
   */
  messages(q: Q, change: MessageChange, ids: readonly number[], now: number): Promise<void>;
}

/** A recorder that never writes (no endpoint configured). */
export const NO_EVENTS: EventRecorder = { messages: async () => {} };

/** The recorder for these endpoints. */
export function makeEventRecorder(endpoints: readonly WebhookEndpoint[]): EventRecorder {
  if (endpoints.length === 0) return NO_EVENTS;
  return {
    async messages(q, change, ids, now) {
      if (ids.length === 0 || !wantsChange(endpoints, change)) return;
      const side = change === 'received' ? 'recipient' : 'sender';
      const facts = await selectMessageFacts(q, ids, side, [change]);
      await insertWebhookEvents(q, messageEventRows(endpoints, change, facts), now);
    },
  };
}

/** The `webhook` job's store. */
export function makeWebhookEventStore(db: Db, clock: Clock): WebhookEventStore {
  const k = db.kysely;
  return {
    load: (id) => selectWebhookEvent(k, id),
    finish: (jobId, eventId, events) =>
      k.transaction().execute(async (trx) => {
        await deleteWebhookEvent(trx, eventId);
        await deleteJobs(trx, [jobId]);
        await insertEvents(trx, events);
      }),
    retry: (jobId, retryAt, events) =>
      k.transaction().execute(async (trx) => {
        await rescheduleJob(trx, jobId, retryAt);
        await insertEvents(trx, events);
      }),
    fanOut: (jobId, eventId, rows) =>
      k.transaction().execute(async (trx) => {
        await insertWebhookEvents(trx, rows, clock.now());
        await deleteWebhookEvent(trx, eventId);
        await deleteJobs(trx, [jobId]);
      }),
  };
}

/**
 * Arm (or disarm) the low-credit trigger: its threshold when an endpoint wants `account.low_credit`,
 * none otherwise. Every instance on one database writes the same value from the same configuration;
 * with different configurations the last one started wins.
 */
export async function armLowCredit(
  db: Db,
  endpoints: readonly WebhookEndpoint[],
  thresholdMicros: number,
): Promise<void> {
  const value = wantsEvent(endpoints, 'account.low_credit') ? String(thresholdMicros) : null;
  await setSetting(db.kysely, LOW_CREDIT_SETTING, value);
}
