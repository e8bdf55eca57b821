/**
 * Raw user data of submit_sm / deliver_sm, read from the PDU bytes ourselves.
 *
 * Why: smpp 0.5 decodes short_message on receipt with its own idea of the coding (data_coding 0 and 1
 * both through its GSM table, unknown bytes turned into spaces), so the original bytes are gone by the
 * time a 'deliver_sm' event fires. Its session reads each PDU body with one `socket.read(n)` just
 * before emitting the PDU (lib/smpp.js `_extractPDUs`, lib/pdu.js `fromStream`), so remembering the
 * last read gives the exact bytes of the PDU being handled.
 */
import type { Socket } from 'node:net';

/** Remember the last chunk `socket.read()` returned; call `last()` from inside a PDU handler. */
export function tapPduBodies(socket: Socket): { last(): Buffer | undefined } {
  let last: Buffer | undefined;
  const read = socket.read.bind(socket);
  socket.read = (size?: number) => {
    const chunk = read(size) as Buffer | null;
    if (chunk) last = chunk;
    return chunk;
  };
  return { last: () => last };
}

/** short_message and the message_payload TLV (0x0424), as sent. */
export interface RawUserData {
  shortMessage: Buffer;
  messagePayload?: Buffer;
}

/**
 * Walk a submit_sm / deliver_sm body (everything after command_length) to its user data.
 * Layout: SMPP 3.4 §4.4.1 / §4.6.1; both commands share it. Returns null on a truncated PDU.
 */
export function rawUserData(body: Buffer): RawUserData | null {
  let o = 12; // command_id, command_status, sequence_number
  const cstr = () => {
    const end = body.indexOf(0, o);
    if (end < 0) throw new RangeError('truncated');
    o = end + 1;
  };
  try {
    cstr(); // service_type
    o += 2; // source_addr_ton, source_addr_npi
    cstr(); // source_addr
    o += 2; // dest_addr_ton, dest_addr_npi
    cstr(); // destination_addr
    o += 3; // esm_class, protocol_id, priority_flag
    cstr(); // schedule_delivery_time
    cstr(); // validity_period
    o += 4; // registered_delivery, replace_if_present_flag, data_coding, sm_default_msg_id
    const smLength = body[o++];
    if (smLength === undefined || o + smLength > body.length) return null;
    const out: RawUserData = { shortMessage: body.subarray(o, o + smLength) };
    o += smLength;
    while (o + 4 <= body.length) {
      const tag = body.readUInt16BE(o);
      const len = body.readUInt16BE(o + 2);
      if (tag === 0x0424) out.messagePayload = body.subarray(o + 4, o + 4 + len);
      o += 4 + len;
    }
    return out;
  } catch {
    return null;
  }
}
