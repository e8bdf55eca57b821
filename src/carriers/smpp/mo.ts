/**
 * Mobile-originated messages over SMPP: decode short_message per data_coding and reassemble
 * concatenated parts (UDH IE 0x00/0x08, TS 23.040 §9.2.3.24.1/.8, or the sar_* TLVs, SMPP 3.4 §5.3.2.22-24).
 */
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

/** A whole MO message, ready for `events.inbound`. */
export interface MoMessage {
  from: string;
  to: string;
  body: string;
  /** Parts that never arrived before the timeout (0 when complete). */
  missing: number;
}

interface Pending {
  dataCoding: number;
  total: number;
  from: string;
  to: string;
  parts: Map<number, Uint8Array>;
  timer: NodeJS.Timeout;
}

/**
 * Collects parts in memory keyed by (source, destination, ref, total). Parts are joined as bytes and
 * decoded once, so a surrogate pair or an escape split by the sender's SMSC still decodes. After
 * `timeoutMs` without completion, what arrived is delivered (a message with a hole beats none).
 */
export class MoAssembler {
  readonly #pending = new Map<string, Pending>();

  constructor(
    private readonly timeoutMs: number,
    private readonly dflt: DefaultAlphabet,
    private readonly emit: (m: MoMessage) => void,
  ) {}

  /** Take one part; emits at once for a single-part message or the last missing part. */
  add(p: MoPart): void {
    let data = p.data;
    let concat = p.sar;
    if (p.udhi && data.length > 0) {
      const udh = parseUdh(data);
      if (udh) concat = { ref: udh.ref, total: udh.total, seq: udh.seq };
      data = data.subarray(Math.min(data.length, data[0]! + 1));
    }
    if (!concat || concat.total <= 1) {
      this.emit({ from: p.from, to: p.to, body: decodeUserData(data, p.dataCoding, this.dflt), missing: 0 });
      return;
    }
    const key = `${p.from}\u0000${p.to}\u0000${concat.ref}\u0000${concat.total}`;
    let entry = this.#pending.get(key);
    if (!entry) {
      const timer = setTimeout(() => this.#finish(key), this.timeoutMs);
      timer.unref();
      entry = {
        dataCoding: p.dataCoding,
        total: concat.total,
        from: p.from,
        to: p.to,
        parts: new Map(),
        timer,
      };
      this.#pending.set(key, entry);
    }
    entry.parts.set(concat.seq, data);
    if (entry.parts.size >= entry.total) this.#finish(key);
  }

  /** Deliver everything pending now (on close): each part was acknowledged, so the SMSC will not resend. */
  flush(): void {
    for (const key of [...this.#pending.keys()]) this.#finish(key);
  }

  #finish(key: string): void {
    const e = this.#pending.get(key);
    if (!e) return;
    clearTimeout(e.timer);
    this.#pending.delete(key);
    const seqs = [...e.parts.keys()].sort((a, b) => a - b);
    const bytes = Buffer.concat(seqs.map((s) => e.parts.get(s)!));
    const body = decodeUserData(bytes, e.dataCoding, this.dflt);
    this.emit({ from: e.from, to: e.to, body, missing: e.total - e.parts.size });
  }
}
