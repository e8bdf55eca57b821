/**
 * Inbound messages from carriers (issue #4): a carrier webhook or an SMPP deliver_sm hands us an
 * `InboundSms`; the destination number picks the account, the message lands in its inbox with a push
 * job, in one transaction. A carrier's retry of the same message (same carrier and carrier message
 * id) is stored once. An unknown destination number is refused: nothing is stored.
 */
import { formatAddress, parseAddress } from '../domain/address.js';
import { CONTENT_TYPE_FILE_TRANSFER, CONTENT_TYPE_TEXT } from '../domain/message.js';
import { countSegments } from '../domain/segments.js';
import type { AccountLookup, InboundSms, JobKind, NewMessage } from './ports.js';

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
  ): Promise<{ id: number; duplicate: boolean }>;
}

export interface InboundDeps {
  accounts: AccountLookup;
  inbox: InboxStore;
  /** Jobs to enqueue with each new inbox message: `['push']` when push is on. */
  jobs: readonly JobKind[];
  /** Told about refusals (unknown number), for the operator's log. */
  onRefused?: (m: InboundSms, reason: string) => void;
}

/** `stored` false and `duplicate` false = refused (unknown destination number). */
export interface InboundResult {
  stored: boolean;
  duplicate: boolean;
  messageId?: number;
}

/** Media URLs (Twilio, Telnyx MMS) become an Acrobits file transfer (protocol notes §6). */
export type ReceiveInbound = (m: InboundSms, media?: readonly string[]) => Promise<InboundResult>;

/** The dedupe key of a carrier message: `<carrier>|<carrier message id>`. */
export const inboundKey = (m: Pick<InboundSms, 'carrier' | 'carrierRef'>): string =>
  `${m.carrier}|${m.carrierRef}`;

export function makeReceiveInbound({ accounts, inbox, jobs, onRefused }: InboundDeps): ReceiveInbound {
  // Carriers write numbers their own way: `+15551231234`, `15551231234` (Vonage, many SMSCs), `201`.
  const destination = async (to: string) => {
    const raw = to.trim();
    const addr = parseAddress(raw.startsWith('+') || !/^\d{7,15}$/.test(raw) ? raw : `+${raw}`, 'ZZ');
    const candidates = new Set([raw, ...(addr ? [formatAddress(addr)] : [])]);
    for (const c of candidates) {
      const account = await accounts.byNumber(c);
      if (account) return { account, to: c };
    }
    return undefined;
  };

  return async (m, media = []) => {
    const dest = await destination(m.to);
    if (!dest) {
      onRefused?.(m, 'unknown destination number');
      return { stored: false, duplicate: false };
    }
    // The sender as the app will thread it: E.164 when it is a phone number, so a reply (whose
    // recipient is normalised the same way by Send Message) lands in the same stream.
    const fromAddr = parseAddress(m.from, dest.account.region);
    const from = fromAddr?.kind === 'phone' ? fromAddr.e164 : m.from.trim();
    const fileTransfer = media.length > 0;
    const body = fileTransfer
      ? JSON.stringify({
          ...(m.body ? { body: m.body } : {}),
          attachments: media.map((url) => ({ 'content-url': url })),
        })
      : m.body;
    const { id, duplicate } = await inbox.storeKeyed(
      {
        senderAccountId: null,
        recipientAccountId: dest.account.id,
        from,
        to: dest.to,
        toRaw: m.to,
        body,
        contentType: fileTransfer ? CONTENT_TYPE_FILE_TRANSFER : CONTENT_TYPE_TEXT,
        dispositionNotification: null,
        smart: false,
        status: 'received',
        segments: fileTransfer ? 1 : countSegments(m.body).segments,
        chargeMicros: 0,
      },
      inboundKey(m),
      jobs,
    );
    return { stored: !duplicate, duplicate, messageId: id };
  };
}
