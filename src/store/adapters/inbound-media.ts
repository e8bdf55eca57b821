/**
 * The held-inbox port of inbound picture messages (`app/inbound-media.ts`) over the `inbound_media`
 * table: a hold and its `inbound-media` job are written in one transaction.
 */
import type { HeldInbox } from '../../app/inbound-media.js';
import type { Clock } from '../../app/ports.js';
import { deleteHeld, insertHeld, selectHeld } from '../sql/inbound-media.js';
import { findIdByInboundKey } from '../sql/inbox.js';
import { insertJob } from '../sql/outbox.js';
import type { Store } from './store.js';

export function makeHeldInbox(store: Store, clock: Clock): HeldInbox {
  const k = store.db.kysely;
  return {
    hold: (m, key, media) =>
      store.inTransaction(async (q) => {
        // A carrier's retry after the message was released: stored already.
        if ((await findIdByInboundKey(q, key)) !== undefined) return { duplicate: true };
        const now = clock.now();
        const id = await insertHeld(
          q,
          { inboundKey: key, message: JSON.stringify(m), media: JSON.stringify(media) },
          now,
        );
        if (id === undefined) return { duplicate: true };
        await insertJob(q, 'inbound-media', id, now);
        return { id, duplicate: false };
      }),
    held: async (id) => {
      const r = await selectHeld(k, id);
      return r && { id: r.id, key: r.inboundKey, message: JSON.parse(r.message), media: JSON.parse(r.media) };
    },
    forget: (id) => deleteHeld(k, id),
  };
}
