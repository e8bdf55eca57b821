/**
 * Inbound messages from carriers: a carrier webhook or an SMPP deliver_sm hands us an `InboundSms` (or
 * one part of a concatenated one, `inbound-parts.ts`); the destination number picks the account, the
 * message lands in its inbox with a push job, in one transaction, and the outbox is rung so the push
 * leaves now. A carrier's retry of the same message (same carrier and carrier message id) is stored
 * once. An unknown destination number is refused: nothing is stored, and the operator's log says so.
 */
import { formatAddress, parseAddress } from '../domain/address.js';
import { CONTENT_TYPE_FILE_TRANSFER, CONTENT_TYPE_TEXT } from '../domain/message.js';
import { countSegments } from '../domain/segments.js';
import type { HeldInbox } from './inbound-media.js';
import { joinParts, type PartGroup, type PartStore, type WholeMessage } from './inbound-parts.js';
import type {
  Account,
  AccountLookup,
  Clock,
  InboundMedia,
  InboundPart,
  InboundSms,
  JobKind,
  Log,
  NewMessage,
  OutboxSignal,
} from './ports.js';

/** Where keyed messages are stored once. */
export interface InboxStore {
  /**
   * Store `m` and enqueue `jobs` for it in one transaction, unless a message with `key` is already
   * stored; then nothing is written and the existing id is returned with `duplicate: true`.
   */
  storeKeyed(
    m: NewMessage,
    key: string,
    jobs: readonly JobKind[],
    about?: {
      /** `m` is a disposition notification about that message, whose timeline records it. */
      notice?: { about: number; status: 'delivered' | 'displayed' };
      /** A carrier's message (not a notice): its `message.received` event is stored with it. */
      received?: boolean;
    },
  ): Promise<{ id: number; duplicate: boolean }>;
}

export interface InboundDeps {
  accounts: AccountLookup;
  inbox: InboxStore;
  parts: PartStore;
  /** Jobs to enqueue with each new inbox message: `['push']` when push is on. */
  jobs: readonly JobKind[];
  clock: Clock;
  outbox: OutboxSignal;
  /** Told about refusals (unknown number), for the operator. */
  log: Log;
  /**
   * Where a message with media waits while an `inbound-media` job fetches it (`inbound-media.ts`).
   * Absent: the carrier's media URLs are handed to the app as they are.
   */
  held?: HeldInbox;
}

/** `stored` false and `duplicate` false = refused (unknown destination number), or a part held. */
export interface InboundResult {
  stored: boolean;
  duplicate: boolean;
  messageId?: number;
  /** A part of a longer message, stored until the rest arrives. */
  held?: boolean;
}

/** Media (Twilio, Telnyx MMS) makes the message an Acrobits file transfer. */
export type ReceiveInbound = (m: InboundSms, media?: readonly InboundMedia[]) => Promise<InboundResult>;

/** The inbound use-cases: whole messages, parts, and the sweep that joins parts past their timeout. */
export interface Inbound {
  receive: ReceiveInbound;
  receivePart(p: InboundPart): Promise<InboundResult>;
  /**
   * Join the groups whose timeout has passed with what arrived, and forget joined ones past theirs;
   * how many groups were joined.
   */
  sweepParts(limit?: number): Promise<number>;
}

/** The dedupe key of a carrier message: `<carrier>|<carrier message id>`. */
export const inboundKey = (m: Pick<InboundSms, 'carrier' | 'carrierRef'>): string =>
  `${m.carrier}|${m.carrierRef}`;

type Destination = { account: Account; to: string };

export function makeInbound({
  accounts,
  inbox,
  parts,
  jobs,
  clock,
  outbox,
  log,
  held,
}: InboundDeps): Inbound {
  // Carriers write numbers their own way: `+15551231234`, `15551231234` (Vonage, many SMSCs), `201`.
  const destination = async (to: string): Promise<Destination | undefined> => {
    const raw = to.trim();
    const addr = parseAddress(raw.startsWith('+') || !/^\d{7,15}$/.test(raw) ? raw : `+${raw}`, 'ZZ');
    const candidates = new Set([raw, ...(addr ? [formatAddress(addr)] : [])]);
    for (const c of candidates) {
      const account = await accounts.byNumber(c);
      if (account) return { account, to: c };
    }
    return undefined;
  };
  const refused = (m: { carrier: string; to: string; ref: string }) =>
    log.warn(
      { carrier: m.carrier, ref: m.ref, to: m.to, reason: 'unknown destination number' },
      'inbound refused',
    );

  const message = (
    dest: Destination,
    from: string,
    toRaw: string,
    text: string,
    media: readonly InboundMedia[],
  ) => {
    // The sender as the app will thread it: E.164 when it is a phone number, so a reply (whose
    // recipient is normalised the same way by Send Message) lands in the same stream.
    const fromAddr = parseAddress(from, dest.account.region);
    const fileTransfer = media.length > 0;
    const body = fileTransfer
      ? JSON.stringify({
          ...(text ? { body: text } : {}),
          attachments: media.map((a) => ({
            ...(a.contentType ? { 'content-type': a.contentType } : {}),
            'content-url': a.url,
          })),
        })
      : text;
    const m: NewMessage = {
      senderAccountId: null,
      recipientAccountId: dest.account.id,
      from: fromAddr?.kind === 'phone' ? fromAddr.e164 : from.trim(),
      to: dest.to,
      toRaw,
      body,
      contentType: fileTransfer ? CONTENT_TYPE_FILE_TRANSFER : CONTENT_TYPE_TEXT,
      dispositionNotification: null,
      smart: false,
      status: 'received',
      segments: fileTransfer ? 1 : countSegments(text).segments,
      chargeMicros: 0,
    };
    return m;
  };
  // A joined group: keyed by its group and first arrival, so a later message reusing the reference is new.
  const wholeFor =
    (dest: Destination | undefined): WholeMessage =>
    (g, stored) =>
      dest && {
        message: message(dest, g.from, g.to, joinParts(g, stored).body, []),
        key: `${g.key}|${g.createdAt}`,
      };
  const stored = (r: { duplicate: boolean; messageId?: number }): InboundResult => {
    if (r.messageId !== undefined && !r.duplicate && jobs.length > 0) outbox.wake();
    return r.messageId === undefined
      ? { stored: false, duplicate: r.duplicate, held: !r.duplicate }
      : { stored: !r.duplicate, duplicate: r.duplicate, messageId: r.messageId };
  };

  return {
    async receive(m, media = []) {
      const dest = await destination(m.to);
      if (!dest) {
        refused({ carrier: m.carrier, to: m.to, ref: m.carrierRef });
        return { stored: false, duplicate: false };
      }
      if (held && media.length > 0) {
        // Stored once its media is fetched (its caption as the body until then); the carrier is
        // answered now, the hold and its job being durable.
        const h = await held.hold(message(dest, m.from, m.to, m.body, []), inboundKey(m), media);
        if (!h.duplicate) outbox.wake();
        return { stored: !h.duplicate, duplicate: h.duplicate };
      }
      const r = await inbox.storeKeyed(message(dest, m.from, m.to, m.body, media), inboundKey(m), jobs, {
        received: true,
      });
      return stored({ duplicate: r.duplicate, messageId: r.id });
    },
    async receivePart(p) {
      const dest = await destination(p.to);
      if (!dest) {
        refused({ carrier: p.carrier, to: p.to, ref: `part ${p.seq}/${p.total}` });
        return { stored: false, duplicate: false };
      }
      return stored(await parts.add(p, clock.now(), wholeFor(dest), jobs));
    },
    async sweepParts(limit = 100) {
      await parts.forget(clock.now());
      const groups: PartGroup[] = await parts.expired(clock.now(), limit);
      let joined = 0;
      for (const g of groups) {
        const dest = await destination(g.to);
        if (!dest) refused({ carrier: g.carrier, to: g.to, ref: 'expired parts' });
        const r = await parts.finish(g, clock.now(), wholeFor(dest), jobs);
        if (r.messageId !== undefined || !r.duplicate) joined++;
        stored(r);
      }
      return joined;
    },
  };
}
