/**
 * The `smpp` carrier's key table: its keys, ranges and defaults beside each other. The configuration
 * reader checks a carrier entry against it once at load time, fills the defaults and freezes the slice;
 * `checkSmpp` holds the one rule a schema can't say. Section numbers refer to SMPP v3.4
 * (https://smpp.org/SMPP_v3_4_Issue1_2.pdf).
 */
import { type Static, Type } from 'typebox';
import { carrierKeys, type KeyProblem } from '../keys.js';

const ms = (def: number, description: string) =>
  Type.Integer({ minimum: 1, maximum: 86_400_000, default: def, description });
const octet = (def: number, description: string) =>
  Type.Integer({ minimum: 0, maximum: 255, default: def, description });

export const SmppKeys = carrierKeys('smpp', 'an smpp carrier', {
  host: Type.String({ minLength: 1, description: "The SMSC's host name or address." }),
  port: Type.Integer({ minimum: 1, maximum: 65_535, description: "The SMSC's port (often 2775)." }),
  systemId: Type.String({
    minLength: 1,
    maxLength: 15,
    description: 'bind `system_id` (at most 15 octets, §4.1.1).',
  }),
  password: Type.String({
    minLength: 1,
    maxLength: 8,
    secret: true,
    description: 'bind `password` (at most 8 octets, §4.1.1).',
  }),
  systemType: Type.String({
    maxLength: 12,
    default: '',
    description: 'bind `system_type`, when the SMSC wants one.',
  }),
  window: Type.Integer({
    minimum: 1,
    maximum: 10_000,
    default: 10,
    description: '`submit_sm` in flight at once (a slot is free again at its `submit_sm_resp`).',
  }),
  maxUnrecorded: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 100_000,
      description:
        'Most messages submitted whose outcome is not yet durable: what a crash can send twice (default: the larger of 200 and twice `window`; at least `window`).',
    }),
  ),
  enquireLinkMs: ms(30_000, '`enquire_link` period; no answer within one period drops the link (ms).'),
  reconnect: Type.Object(
    {
      minMs: ms(1_000, 'First wait before binding again after the link drops (ms).'),
      maxMs: ms(60_000, 'Longest wait between bind attempts (ms; the wait doubles up to it).'),
      refusedMinMs: ms(
        60_000,
        'First wait after the SMSC refused our credentials (ms): each refused bind is a failed login there.',
      ),
      refusedMaxMs: ms(300_000, 'Longest wait between bind attempts while the SMSC refuses them (ms).'),
    },
    {
      additionalProperties: false,
      noun: 'reconnect',
      default: { minMs: 1_000, maxMs: 60_000, refusedMinMs: 60_000, refusedMaxMs: 300_000 },
    },
  ),
  dataCoding: Type.Object(
    {
      gsm7: Type.Union([Type.Literal(0), Type.Literal(1)], {
        default: 0,
        description: '`data_coding` for GSM texts: 0 (SMSC default, which most SMSCs want) or 1 (IA5).',
      }),
      ucs2: Type.Literal(8, { default: 8, description: '`data_coding` for UCS-2 texts.' }),
    },
    { additionalProperties: false, noun: 'dataCoding', default: { gsm7: 0, ucs2: 8 } },
  ),
  split: Type.Boolean({
    default: true,
    description: 'true: split into UDH-concatenated `submit_sm`; false: the whole text in `message_payload`.',
  }),
  maxParts: Type.Integer({
    minimum: 1,
    maximum: 255,
    default: 10,
    description:
      'More segments than this is refused for good: "Message is too long" (the UDH total is one octet).',
  }),
  sourceTon: octet(1, '`source_addr_ton` (1 = international).'),
  sourceNpi: octet(1, '`source_addr_npi` (1 = E.164).'),
  destTon: octet(1, '`dest_addr_ton` (1 = international).'),
  destNpi: octet(1, '`dest_addr_npi` (1 = E.164).'),
  registeredDelivery: octet(1, '`registered_delivery` (§5.2.17): 1 = a receipt on the final outcome.'),
  submitTimeoutMs: ms(10_000, 'How long a `submit_sm` waits for its `submit_sm_resp` (ms).'),
  moDefaultAlphabet: Type.Enum(['gsm7', 'latin1'], {
    default: 'gsm7',
    description: 'How to read inbound `data_coding` 0 and 1.',
  }),
  moReassemblyMs: ms(
    60_000,
    'How long to wait for the missing parts of a concatenated inbound message (ms).',
  ),
  linkWaitMs: ms(
    1_000,
    'How long a send waits for a bind in progress before answering "SMPP link down" (ms).',
  ),
  thread: Type.Boolean({
    default: true,
    description:
      'Run the link (socket, window, PDUs) on a thread of its own, so a busy Send Message load does not slow its round trips (docs/delivery.md, "The link\'s thread"); false: on the main thread.',
  }),
});

/** An smpp carrier's resolved slice. `password` is a secret. */
export type SmppCarrierConfig = Static<typeof SmppKeys>;
/** The slice as the adapter keeps it: defaulted and frozen by the configuration reader. */
export type ResolvedSmppConfig = Readonly<SmppCarrierConfig>;

/** The rule across two keys. */
export function checkSmpp(c: SmppCarrierConfig): KeyProblem {
  if (c.reconnect.minMs > c.reconnect.maxMs) {
    return { key: 'reconnect.minMs', why: 'must not exceed reconnect.maxMs' };
  }
  if (c.reconnect.refusedMinMs > c.reconnect.refusedMaxMs) {
    return { key: 'reconnect.refusedMinMs', why: 'must not exceed reconnect.refusedMaxMs' };
  }
  if (c.maxUnrecorded !== undefined && c.maxUnrecorded < c.window) {
    return { key: 'maxUnrecorded', why: `must be at least window (${c.window})` };
  }
  return undefined;
}

/** The crash bound of a carrier: `maxUnrecorded`, or the larger of 200 and twice the window. */
export function unrecordedBound(c: Pick<SmppCarrierConfig, 'window' | 'maxUnrecorded'>): number {
  return c.maxUnrecorded ?? Math.max(200, 2 * c.window);
}
