/**
 * The parts port (`app/inbound-parts.ts`): each part in its own transaction with the group's row, and the
 * last one joining, storing the whole message and deleting the parts in the same transaction.
 */
import {
  type PartGroup,
  type PartOutcome,
  type PartStore,
  partGroupKey,
  type WholeMessage,
} from '../../app/inbound-parts.js';
import type { JobKind } from '../../app/ports.js';
import type { Q } from '../sql/accounts.js';
import {
  countParts,
  deleteForgottenGroup,
  deleteForgottenGroups,
  hasForgottenGroups,
  insertPart,
  markJoined,
  selectExpiredGroups,
  takeParts,
  upsertGroup,
} from '../sql/inbound-parts.js';
import type { Store } from './store.js';
import { storeKeyedIn } from './two-way.js';
import { type EventRecorder, NO_EVENTS } from './webhook-events.js';

/** Join `g` inside the caller's transaction, unless another transaction joined it already. */
async function joinIn(
  q: Q,
  g: PartGroup,
  now: number,
  whole: WholeMessage,
  jobs: readonly JobKind[],
  events: EventRecorder,
): Promise<PartOutcome> {
  if (!(await markJoined(q, g.key, now))) return { duplicate: true };
  const m = whole(g, await takeParts(q, g.key));
  if (!m) return { duplicate: false };
  const { id, duplicate } = await storeKeyedIn(q, m.message, m.key, jobs, now);
  if (!duplicate) await events.messages(q, 'received', [id], now);
  return { duplicate, messageId: id };
}

export function makePartStore(store: Store, events: EventRecorder = NO_EVENTS): PartStore {
  return {
    add: (p, now, whole, jobs) =>
      store.inTransaction(async (q) => {
        const key = partGroupKey(p);
        const shape = {
          key,
          carrier: p.carrier,
          from: p.from,
          to: p.to,
          total: p.total,
          encoding: p.encoding,
        };
        await deleteForgottenGroup(q, key, now);
        const { createdAt, joinedAt } = await upsertGroup(q, shape, now, now + p.timeoutMs);
        if (joinedAt !== null) return { duplicate: true };
        if (!(await insertPart(q, key, p.seq, p.data, now))) return { duplicate: true };
        if ((await countParts(q, key)) < p.total) return { duplicate: false };
        return joinIn(q, { ...shape, createdAt }, now, whole, jobs, events);
      }),
    expired: (now, limit) => selectExpiredGroups(store.db.kysely, now, limit),
    finish: (g, now, whole, jobs) => store.inTransaction((q) => joinIn(q, g, now, whole, jobs, events)),
    forget: async (now) => {
      if (await hasForgottenGroups(store.db.kysely, now)) {
        await store.inTransaction((q) => deleteForgottenGroups(q, now));
      }
    },
  };
}
