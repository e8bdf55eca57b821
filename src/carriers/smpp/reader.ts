/**
 * The client session's reader, with a fast path for submit_sm_resp.
 *
 * smpp 0.5 reads every PDU the same way (lib/smpp.js `_extractPDUs`): the command_length, then the
 * rest, copied into a new buffer with its length in front, decoded field by field into a `PDU` object
 * (every command's parameter table, then its TLVs, then a filter pass over every key), emitted twice
 * ('pdu' and the command's name), and finally handed to the callback kept under its sequence number.
 * For submit_sm_resp, one per message sent, that was about 5 % of an SMPP drain's CPU, for two fields
 * (SMPP 3.4 §4.4.2: command_status in the header, then message_id, a C-Octet String). This reader
 * is the library's loop with the same state (`_busy`, `paused`, `_command_length`, `_callbacks`), except
 * that a submit_sm_resp is decoded here into those two fields and goes straight to its callback,
 * without the events nobody listens to. Every other PDU goes through the library's own decoder and
 * events, as before. Written against smpp 0.5.1 (carriers/smpp/lib.d.ts); the tests compare both
 * decoders on the same bytes.
 */
import smpp from 'smpp';

const SUBMIT_SM_RESP = 0x80000004;
/** The library's PDU.maxLength: a longer command_length is a broken stream. */
const MAX_LENGTH = 16_384;

/** What a submit_sm_resp's callback gets: the fields the adapter reads (`PendingSubmit.onResponse`). */
export class SubmitSmResp implements smpp.Pdu {
  readonly command = 'submit_sm_resp';
  readonly command_id = SUBMIT_SM_RESP;
  [field: string]: unknown;
  constructor(
    readonly command_status: number,
    readonly sequence_number: number,
    readonly message_id: string | undefined,
  ) {}
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
    let pdu: smpp.Pdu | undefined;
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
      const whole = Buffer.allocUnsafe(length);
      whole.writeUInt32BE(length, 0);
      body.copy(whole, 4);
      pdu = new smpp.PDU(whole);
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
