/**
 * Delivery receipts arriving as deliver_sm (SMPP 3.4 §2.11 and Appendix B): the short_message text
 * `id:IIII sub:SSS dlvrd:DDD submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DDDDDDD err:E text:…`,
 * and the receipted_message_id / message_state TLVs (§5.3.2.12, §5.3.2.35), which win when present.
 */

/** A parsed receipt; `status` null = an intermediate state (ACCEPTD, ENROUTE…) to ignore. */
export interface ParsedReceipt {
  messageId: string;
  stat: string;
  err: string;
  status: 'delivered' | 'failed' | null;
  /** `done date` as epoch ms (taken as UTC: Appendix B gives no zone), when present and valid. */
  doneAt?: number;
}

/** stat words (Appendix B) that end a message; STATE_WORDS is indexed by message_state (§5.2.28). */
const FINAL: Readonly<Record<string, 'delivered' | 'failed'>> = {
  DELIVRD: 'delivered',
  UNDELIV: 'failed',
  REJECTD: 'failed',
  EXPIRED: 'failed',
  DELETED: 'failed',
};
const STATE_WORDS = [
  'SCHEDLD',
  'ENROUTE',
  'DELIVRD',
  'EXPIRED',
  'DELETED',
  'UNDELIV',
  'ACCEPTD',
  'UNKNOWN',
  'REJECTD',
];

// Keys may contain a space ("submit date"); values run to the next key. Parsed once per receipt.
const FIELD = /(id|sub|dlvrd|submit date|done date|stat|err|text):\s*(\S*)/gi;

function parseDate(s: string | undefined): number | undefined {
  if (!s || !/^\d{10}(\d{2})?$/.test(s)) return undefined;
  const n = (i: number) => Number(s.slice(i, i + 2));
  const t = Date.UTC(2000 + n(0), n(2) - 1, n(4), n(6), n(8), s.length === 12 ? n(10) : 0);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * Parse a receipt from its text and optional TLVs. Returns null when no message id can be found
 * (not a receipt we can match to anything).
 */
export function parseReceipt(
  text: string,
  tlv: { receiptedMessageId?: string | undefined; messageState?: number | undefined } = {},
): ParsedReceipt | null {
  const fields: Record<string, string> = {};
  for (const m of text.matchAll(FIELD)) fields[m[1]!.toLowerCase()] = m[2]!;
  const messageId = tlv.receiptedMessageId || fields['id'];
  if (!messageId) return null;
  const fromState = tlv.messageState === undefined ? undefined : STATE_WORDS[tlv.messageState];
  const stat = (fromState ?? fields['stat'] ?? 'UNKNOWN').toUpperCase();
  const doneAt = parseDate(fields['done date']);
  const out: ParsedReceipt = { messageId, stat, err: fields['err'] ?? '', status: FINAL[stat] ?? null };
  if (doneAt !== undefined) out.doneAt = doneAt;
  return out;
}

/**
 * The same receipt id in the other base: SMPP 3.4 leaves the id's format to the SMSC, and many send
 * submit_sm_resp ids in hex and the receipt's `id:` in decimal (Appendix B even suggests decimal), or
 * the reverse. A decimal-looking id is tried as hex of its value (upper and lower case); a hex-looking
 * id as the decimal of its value. Only tried when the id as given matches nothing (store side).
 */
export function otherIdSpellings(id: string): string[] {
  const out = new Set<string>();
  if (/^\d{1,30}$/.test(id)) {
    const hex = BigInt(id).toString(16);
    out.add(hex.toUpperCase());
    out.add(hex);
  }
  if (/^[0-9a-f]{1,25}$/i.test(id)) out.add(BigInt(`0x${id}`).toString(10));
  out.delete(id);
  return [...out];
}
