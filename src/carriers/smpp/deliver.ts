/** deliver_sm from the SMSC (SMPP 3.4 §4.6.1): delivery receipts and MO messages, reported as carrier events. */
import { randomUUID } from 'node:crypto';
import type smpp from 'smpp';
import type { CarrierEvents } from '../../app/ports.js';
import type { ResolvedSmppConfig } from './config.js';
import { readMo } from './mo.js';
import { rawUserData } from './pdu.js';
import { otherIdSpellings, parseReceipt } from './receipt.js';

/** International TON (§5.2.5) numbers travel without '+'; we keep E.164 with '+' inside. */
const toE164 = (addr: string, ton: number) => (ton === 1 && /^\d+$/.test(addr) ? `+${addr}` : addr);

/**
 * Hand one deliver_sm to the carrier events: a delivery receipt, a whole MO message or one part of a
 * concatenated one. Resolves once what it carries is durable (or deliberately dropped), so the caller
 * answers deliver_sm_resp only then; rejects when it could not be stored.
 */
export async function reportDeliverSm(
  pdu: smpp.Pdu,
  body: Buffer | undefined,
  cfg: Pick<ResolvedSmppConfig, 'name' | 'moDefaultAlphabet' | 'moReassemblyMs'>,
  events: CarrierEvents,
): Promise<void> {
  const raw = body ? rawUserData(body) : null;
  if (!raw) return;
  const data = raw.shortMessage.length > 0 ? raw.shortMessage : (raw.messagePayload ?? raw.shortMessage);
  const esm = Number(pdu['esm_class'] ?? 0);
  if ((esm & 0x3c) === 0x04) {
    // §5.2.12: message type bits 5-2 = 0001 is an SMSC delivery receipt.
    const tlvState = pdu['message_state'];
    const r = parseReceipt(data.toString('latin1'), {
      receiptedMessageId:
        typeof pdu['receipted_message_id'] === 'string' ? pdu['receipted_message_id'] : undefined,
      messageState: typeof tlvState === 'number' ? tlvState : undefined,
    });
    if (!r || r.status === null) return;
    const otherRefs = otherIdSpellings(r.messageId);
    return events.receipt({
      carrier: cfg.name,
      carrierRef: r.messageId,
      ...(otherRefs.length > 0 ? { otherRefs } : {}),
      status: r.status,
      ...(r.status === 'failed' ? { error: `stat:${r.stat} err:${r.err}` } : {}),
      ...(r.doneAt !== undefined ? { at: r.doneAt } : {}),
    });
  }
  const ref = pdu['sar_msg_ref_num'];
  const total = pdu['sar_total_segments'];
  const seq = pdu['sar_segment_seqnum'];
  const mo = readMo(
    {
      from: toE164(String(pdu['source_addr'] ?? ''), Number(pdu['source_addr_ton'] ?? 0)),
      to: toE164(String(pdu['destination_addr'] ?? ''), Number(pdu['dest_addr_ton'] ?? 0)),
      dataCoding: Number(pdu['data_coding'] ?? 0),
      data,
      udhi: (esm & 0x40) !== 0,
      sar:
        typeof ref === 'number' && typeof total === 'number' && typeof seq === 'number'
          ? { ref, total, seq }
          : undefined,
    },
    cfg.moDefaultAlphabet,
  );
  if (mo.kind === 'part') {
    const { kind: _, ref: moRef, ...part } = mo;
    return events.part({
      ...part,
      carrier: cfg.name,
      ref: String(moRef),
      timeoutMs: cfg.moReassemblyMs,
    });
  }
  // SMPP 3.4 deliver_sm has no message id: the ref is ours, unique, so a message is never dropped as
  // a duplicate. Only a lost deliver_sm_resp makes the SMSC send the same one again, and then it is
  // stored twice rather than lost (an SMSC resends what we did not acknowledge).
  const { from, to, body: text } = mo;
  return events.inbound({
    carrier: cfg.name,
    carrierRef: `smpp-mo:${randomUUID()}`,
    from,
    to,
    body: text,
  });
}
