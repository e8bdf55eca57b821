/**
 * The client session's reader, with fast paths for submit_sm_resp and deliver_sm.
 *
 * smpp 0.5 reads every PDU the same way (lib/smpp.js `_extractPDUs`): the command_length, then the
 * rest, copied into a new buffer with its length in front, decoded field by field into a `PDU` object
 * (every command's parameter table, then its TLVs, then a filter pass over every key), emitted twice
 * ('pdu' and the command's name), and finally handed to the callback kept under its sequence number.
 * For submit_sm_resp, one per message sent, that was about 5 % of an SMPP drain's CPU, for two fields
 * (SMPP 3.4 §4.4.2: command_status in the header, then message_id, a C-Octet String). This reader
 * is the library's loop with the same state (`_busy`, `paused`, `_command_length`, `_callbacks`), except
 * that a submit_sm_resp is decoded here into those two fields and goes straight to its callback,
 * without the events nobody listens to.
 *
 * A deliver_sm (§4.6.1: a delivery receipt for nearly every message sent, or an MO message) is decoded
 * here too, into the fields `deliver.ts` reads, and emitted as the library emits it: the library's
 * decoder also ran its filters (the text decoded through its own idea of the coding, the two times
 * parsed into dates), whose results nobody reads (`deliver.ts` takes the text's raw bytes), and left
 * that much garbage per receipt. A deliver_sm this decoder is not sure of (truncated, or a string
 * without its NUL) goes to the library's decoder, which handles it as it always did.
 *
 * Every other PDU goes through the library's own decoder and events, as before. Written against smpp
 * 0.5.1 (carriers/smpp/lib.d.ts); the tests compare both decoders on the same bytes.
 */
import smpp from 'smpp';

const SUBMIT_SM_RESP = 0x80000004;
const DELIVER_SM = 0x00000005;
/** The library's PDU.maxLength: a longer command_length is a broken stream. */
const MAX_LENGTH = 16_384;

/** A PDU decoded here: the header, and the fields set by its decoder (as the library names them). */
abstract class DecodedPdu implements smpp.Pdu {
  abstract readonly command: string;
  abstract readonly command_id: number;
  [field: string]: unknown;
  constructor(
    readonly command_status: number,
    readonly sequence_number: number,
  ) {}
  abstract isResponse(): boolean;
  abstract response(options?: Record<string, unknown>): smpp.Pdu;
}

/** What a submit_sm_resp's callback gets: the fields the adapter reads (`PendingSubmit.onResponse`). */
export class SubmitSmResp extends DecodedPdu {
  readonly command = 'submit_sm_resp';
  readonly command_id = SUBMIT_SM_RESP;
  constructor(
    status: number,
    sequence: number,
    readonly message_id: string | undefined,
  ) {
    super(status, sequence);
  }
  isResponse(): boolean {
    return true;
  }
  response(): smpp.Pdu {
    throw new Error('a submit_sm_resp has no response');
  }
}

/** The body of a submit_sm_resp (everything after command_length) as the library would decode it. */
export function decodeSubmitSmResp(body: Buffer): SubmitSmResp {
  const status = body.readUInt32BE(4);
  const sequence = body.readUInt32BE(8);
  if (body.length <= 12) return new SubmitSmResp(status, sequence, undefined);
  const end = body.indexOf(0, 12);
  return new SubmitSmResp(status, sequence, body.toString('ascii', 12, end < 0 ? body.length : end));
}

/** TLVs of a deliver_sm that `deliver.ts` reads (§5.3.2), by tag: their names and how they read. */
const DELIVER_SM_TLVS: ReadonlyMap<number, { name: string; kind: 'int8' | 'int16' | 'cstring' }> = new Map([
  [0x001e, { name: 'receipted_message_id', kind: 'cstring' }],
  [0x0427, { name: 'message_state', kind: 'int8' }],
  [0x020c, { name: 'sar_msg_ref_num', kind: 'int16' }],
  [0x020e, { name: 'sar_total_segments', kind: 'int8' }],
  [0x020f, { name: 'sar_segment_seqnum', kind: 'int8' }],
]);

/** A deliver_sm as this reader decodes it: the header, the addresses, esm_class, data_coding, TLVs. */
export class DeliverSm extends DecodedPdu {
  readonly command = 'deliver_sm';
  readonly command_id = DELIVER_SM;
  isResponse(): boolean {
    return false;
  }
  response(options: Record<string, unknown> = {}): smpp.Pdu {
    return new smpp.PDU('deliver_sm_resp', { ...options, sequence_number: this.sequence_number });
  }
}

/**
 * The body of a deliver_sm (everything after command_length): the fields `deliver.ts` reads, as the
 * library would decode them, or null when the library should decode it (see the module comment).
 */
export function decodeDeliverSm(body: Buffer): DeliverSm | null {
  let o = 12;
  const cstring = (limit = body.length): string | null => {
    const end = body.indexOf(0, o);
    if (end < 0 || end >= limit) return null;
    const v = body.toString('ascii', o, end);
    o = end + 1;
    return v;
  };
  const pdu = new DeliverSm(body.readUInt32BE(4), body.readUInt32BE(8));
  if (cstring() === null) return null; // service_type
  pdu['source_addr_ton'] = body[o++];
  pdu['source_addr_npi'] = body[o++];
  const source = cstring();
  if (source === null) return null;
  pdu['source_addr'] = source;
  pdu['dest_addr_ton'] = body[o++];
  pdu['dest_addr_npi'] = body[o++];
  const destination = cstring();
  if (destination === null) return null;
  pdu['destination_addr'] = destination;
  pdu['esm_class'] = body[o];
  o += 3; // esm_class, protocol_id, priority_flag
  if (cstring() === null || cstring() === null) return null; // schedule_delivery_time, validity_period
  o += 2; // registered_delivery, replace_if_present_flag
  pdu['data_coding'] = body[o];
  o += 2; // data_coding, sm_default_msg_id
  const smLength = body[o++];
  if (smLength === undefined || o + smLength > body.length) return null;
  o += smLength;
  while (o + 4 <= body.length) {
    const tag = body.readUInt16BE(o);
    const length = body.readUInt16BE(o + 2);
    o += 4;
    const end = o + length;
    if (end > body.length) return null;
    const tlv = DELIVER_SM_TLVS.get(tag);
    if (tlv?.kind === 'cstring') {
      const v = cstring(end);
      if (v === null) return null;
      pdu[tlv.name] = v;
    } else if (tlv) {
      if (length < (tlv.kind === 'int8' ? 1 : 2)) return null;
      pdu[tlv.name] = tlv.kind === 'int8' ? body[o] : body.readUInt16BE(o);
    }
    o = end;
  }
  return o === body.length ? pdu : null;
}

/** The library's session state this reader shares (smpp 0.5.1, lib/smpp.js). */
interface SessionState {
  socket: smpp.Session['socket'];
  paused: boolean;
  _busy: boolean;
  _command_length: number | null;
  _callbacks: Record<number, ((pdu: smpp.Pdu) => void) | undefined>;
  emit(event: string, ...args: unknown[]): boolean;
}

/**
 * Replace the session's reader (call right after `smpp.connect`, before any data arrives).
 * `afterRead` runs once the PDUs of a read are handled: the adapter flushes the submits their
 * responses let through the window (carriers/smpp/window.ts).
 */
export function readWithFastResponses(session: smpp.Session, afterRead: () => void = () => {}): void {
  const s = session as unknown as SessionState;
  // The library's own listener is the only one: it was added in the Session constructor.
  s.socket.removeAllListeners('readable');
  s.socket.on('readable', () => {
    extract(s);
    afterRead();
  });
}

function extract(s: SessionState): void {
  if (s._busy) return;
  s._busy = true;
  while (!s.paused) {
    let pdu: smpp.Pdu | null;
    try {
      let length = s._command_length;
      if (!length) {
        const head = s.socket.read(4) as Buffer | null;
        if (!head) break;
        length = head.readUInt32BE(0);
        if (length > MAX_LENGTH)
          throw new Error(`PDU length was too large (${length}, maximum is ${MAX_LENGTH}).`);
        s._command_length = length;
      }
      const body = s.socket.read(length - 4) as Buffer | null;
      if (!body) break;
      if (body.length >= 12 && body.readUInt32BE(0) === SUBMIT_SM_RESP) {
        s._command_length = null;
        const resp = decodeSubmitSmResp(body);
        const callback = s._callbacks[resp.sequence_number];
        if (callback) {
          callback(resp);
          delete s._callbacks[resp.sequence_number];
        }
        continue;
      }
      pdu = body.length >= 12 && body.readUInt32BE(0) === DELIVER_SM ? decodeDeliverSm(body) : null;
      if (!pdu) {
        const whole = Buffer.allocUnsafe(length);
        whole.writeUInt32BE(length, 0);
        body.copy(whole, 4);
        pdu = new smpp.PDU(whole);
      }
    } catch (e) {
      // As the library does: report it and stop reading this stream (the link's keep-alive ends it).
      s.emit('error', e);
      return;
    }
    s._command_length = null;
    s.emit('pdu', pdu);
    s.emit(pdu.command, pdu);
    const callback = pdu.isResponse() ? s._callbacks[pdu.sequence_number] : undefined;
    if (callback) {
      callback(pdu);
      delete s._callbacks[pdu.sequence_number];
    }
  }
  s._busy = false;
}
