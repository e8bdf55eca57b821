/**
 * submit_sm bytes written, and raw user data of submit_sm / deliver_sm read, by ourselves.
 *
 * Writing: smpp 0.5 builds a PDU object, runs filters over every key and sizes each field in loops
 * (`PDU.toBuffer`): 13% of the CPU of a submit at 7,000 a second. `SubmitSmPdu` encodes the few fields
 * we set straight into one buffer and goes through the library's own `Session.send`, which numbers it,
 * keeps the response callback and writes `toBuffer()`. The bytes equal the library's (tested).
 *
 * Reading: raw user data of submit_sm / deliver_sm, read from the PDU bytes ourselves.
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

/** The submit_sm fields textbridge sets; every other one goes as its SMPP 3.4 default (empty, 0). */
export interface SubmitSmFields {
  source_addr_ton: number;
  source_addr_npi: number;
  source_addr: string;
  dest_addr_ton: number;
  dest_addr_npi: number;
  destination_addr: string;
  esm_class: number;
  registered_delivery: number;
  data_coding: number;
  short_message: Buffer;
  message_payload?: Buffer;
}

const SUBMIT_SM = 0x00000004;
const TAG_MESSAGE_PAYLOAD = 0x0424;

/** The whole submit_sm PDU (§4.4.1), header included, as smpp 0.5 would write it. */
export function encodeSubmitSm(f: SubmitSmFields, sequence: number): Buffer {
  // Addresses are C-Octet Strings of ASCII; written straight into the PDU (no Buffer of their own).
  const src = Buffer.byteLength(f.source_addr, 'ascii');
  const dst = Buffer.byteLength(f.destination_addr, 'ascii');
  const sm = f.short_message;
  const mp = f.message_payload;
  if (sm.length > 255) throw new RangeError('short_message is longer than 255 octets');
  const length = 16 + 1 + 2 + src + 1 + 2 + dst + 1 + 3 + 2 + 4 + 1 + sm.length;
  const total = length + (mp ? 4 + mp.length : 0);
  const b = Buffer.allocUnsafe(total);
  b.writeUInt32BE(total, 0);
  b.writeUInt32BE(SUBMIT_SM, 4);
  b.writeUInt32BE(0, 8); // command_status
  b.writeUInt32BE(sequence, 12);
  let o = 16;
  b[o++] = 0; // service_type ""
  o = b.writeUInt8(f.source_addr_ton, o);
  o = b.writeUInt8(f.source_addr_npi, o);
  o += b.write(f.source_addr, o, src, 'ascii');
  b[o++] = 0;
  o = b.writeUInt8(f.dest_addr_ton, o);
  o = b.writeUInt8(f.dest_addr_npi, o);
  o += b.write(f.destination_addr, o, dst, 'ascii');
  b[o++] = 0;
  o = b.writeUInt8(f.esm_class, o);
  b[o++] = 0; // protocol_id
  b[o++] = 0; // priority_flag
  b[o++] = 0; // schedule_delivery_time ""
  b[o++] = 0; // validity_period ""
  o = b.writeUInt8(f.registered_delivery, o);
  b[o++] = 0; // replace_if_present_flag
  o = b.writeUInt8(f.data_coding, o);
  b[o++] = 0; // sm_default_msg_id
  b[o++] = sm.length;
  o += sm.copy(b, o);
  if (mp) {
    o = b.writeUInt16BE(TAG_MESSAGE_PAYLOAD, o);
    o = b.writeUInt16BE(mp.length, o);
    mp.copy(b, o);
  }
  return b;
}

/**
 * A submit_sm for smpp 0.5's `Session.send`: it sets `sequence_number`, remembers the response callback
 * under it, then writes `toBuffer()`. Only what `send` touches is here.
 */
export class SubmitSmPdu {
  sequence_number = 0;
  constructor(private readonly fields: SubmitSmFields) {}
  isResponse(): boolean {
    return false;
  }
  toBuffer(): Buffer {
    return encodeSubmitSm(this.fields, this.sequence_number);
  }
}

const DELIVER_SM_RESP = 0x80000005;

/**
 * The whole deliver_sm_resp PDU (§4.6.2), as smpp 0.5 would write it: with `status` 0 the header and
 * an empty message_id ("unused, set to NULL"), otherwise the header alone (the library writes no body
 * for an error status). Built by smpp 0.5, a response took a PDU object, its filters and one
 * socket.write of its own per receipt.
 */
export function encodeDeliverSmResp(sequence: number, status: number): Buffer {
  const length = status === 0 ? 17 : 16;
  const b = Buffer.allocUnsafe(length);
  b.writeUInt32BE(length, 0);
  b.writeUInt32BE(DELIVER_SM_RESP, 4);
  b.writeUInt32BE(status, 8);
  b.writeUInt32BE(sequence, 12);
  if (status === 0) b[16] = 0;
  return b;
}

/** A deliver_sm_resp for smpp 0.5's `Session.send`, which writes `toBuffer()` as it is. */
export class DeliverSmRespPdu {
  constructor(
    readonly sequence_number: number,
    private readonly status: number,
  ) {}
  isResponse(): boolean {
    return true;
  }
  toBuffer(): Buffer {
    return encodeDeliverSmResp(this.sequence_number, this.status);
  }
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
