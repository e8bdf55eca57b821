/**
 * Mobile-originated messages over SMPP: decode short_message per data_coding, and tell the parts of
 * concatenated messages (UDH IE 0x00/0x08, TS 23.040 §9.2.3.24.1/.8, or the sar_* TLVs, SMPP 3.4
 * §5.3.2.22-24) for the durable parts store, which joins them.
 */
import type { PartEncoding } from '../../app/ports.js';
import { decodeGsm7, decodeUcs2, parseUdh } from '../../domain/segments.js';

/** How to read data_coding 0 (SMSC default) and 1 (IA5): GSM septets unpacked, or Latin-1 bytes. */
export type DefaultAlphabet = 'gsm7' | 'latin1';

/** Text from user-data bytes per SMPP 3.4 §5.2.19 data_coding; unknown codings are read as Latin-1. */
export function decodeUserData(bytes: Uint8Array, dataCoding: number, dflt: DefaultAlphabet): string {
  const dc = dataCoding & 0xff;
  if (dc === 0x08) return decodeUcs2(bytes);
  if ((dc === 0x00 || dc === 0x01) && dflt === 'gsm7') return decodeGsm7(bytes);
  // GSM 03.38 data coding group 1111 (0xF0-0xF7): bit 2 clear = default alphabet (TS 23.038 §4).
  if ((dc & 0xf4) === 0xf0) return decodeGsm7(bytes);
  return Buffer.from(bytes).toString('latin1');
}

/** One received deliver_sm that is not a receipt, with its user data still as bytes. */
export interface MoPart {
  from: string;
  to: string;
  dataCoding: number;
  /** User data: short_message, or the message_payload TLV when short_message is empty. */
  data: Uint8Array;
  /** esm_class bit 6 (0x40): user data starts with a UDH. */
  udhi: boolean;
  sar?: { ref: number; total: number; seq: number } | undefined;
}

/** One deliver_sm read: a whole message, or one part of a concatenated one for the parts store. */
export type MoRead =
  | { kind: 'whole'; from: string; to: string; body: string }
  | {
      kind: 'part';
      from: string;
      to: string;
      ref: number;
      total: number;
      seq: number;
      data: Uint8Array;
      encoding: PartEncoding;
    };

/** How user data in `dataCoding` reads as text (the same rules as `decodeUserData`). */
export function partEncoding(dataCoding: number, dflt: DefaultAlphabet): PartEncoding {
  const dc = dataCoding & 0xff;
  if (dc === 0x08) return 'ucs2';
  if ((dc === 0x00 || dc === 0x01) && dflt === 'gsm7') return 'gsm7';
  if ((dc & 0xf4) === 0xf0) return 'gsm7';
  return 'latin1';
}

/**
 * Read one MO deliver_sm: the concatenation facts come from the UDH (stripped from the data) or the
 * sar_* TLVs; a part is kept as bytes so the parts are joined before they are decoded, and a surrogate
 * pair or an escape split by the sender's SMSC still decodes.
 */
export function readMo(p: MoPart, dflt: DefaultAlphabet): MoRead {
  let data = p.data;
  let concat = p.sar;
  if (p.udhi && data.length > 0) {
    const udh = parseUdh(data);
    if (udh) concat = { ref: udh.ref, total: udh.total, seq: udh.seq };
    data = data.subarray(Math.min(data.length, data[0]! + 1));
  }
  if (!concat || concat.total <= 1) {
    return { kind: 'whole', from: p.from, to: p.to, body: decodeUserData(data, p.dataCoding, dflt) };
  }
  return {
    kind: 'part',
    from: p.from,
    to: p.to,
    ...concat,
    data,
    encoding: partEncoding(p.dataCoding, dflt),
  };
}
