/**
 * Ports: what the use-cases need from the outside world, shaped by their callers.
 * `store/` and `carriers/` implement these; nothing here imports a framework or a driver.
 */

/** Source of time, so tests and the dispatcher agree on "now". Epoch milliseconds. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** One outgoing SMS handed to a carrier: the whole text; the adapter splits it if it must. */
export interface OutboundSms {
  /** Our id (the app's sms_id), for logs and for carriers that accept a client reference. */
  smsId: string;
  /** Sender ID: the sending account's E.164 number (or configured alphanumeric sender). */
  from: string;
  /** Recipient, E.164. */
  to: string;
  /** Full text, UTF-8, any length. For a picture message (MMS), its caption, possibly empty. */
  body: string;
  /**
   * A picture message's files, as URLs the carrier fetches (signed and expiring, served by
   * textbridge); given only to a carrier with `mms`. Absent or empty: a text message.
   */
  mediaUrls?: readonly string[];
}

/**
 * Why a carrier refused a message for good. The phone is told the truth: each kind maps to
 * a non-2xx status in `http/error-map.ts` through the error catalogue.
 */
export type RefusalKind = 'invalid_recipient' | 'blocked' | 'no_route' | 'rejected';

/**
 * A carrier's answer is a value; only bugs throw.
 * - ok: accepted, with the carrier's id(s); one per submitted part for split messages.
 * - not ok + retryable: transient (timeout, 5xx, throttled, connection down): try again later.
 * - not ok + not retryable: permanent, with its kind.
 * A failure's `reason` is what the phone may be shown (short, every secret masked); `detail`, when
 * given, is the carrier's full answer, masked too, for the operator (`last_error`, the log).
 * `configKey`: the request could not be built from this key of the carrier's own configuration (a
 * template that makes an invalid URL or header): no retry can help, the operator must fix it.
 */
export type SendOutcome =
  | { ok: true; carrierRefs: string[] }
  | { ok: false; retryable: true; reason: string; detail?: string }
  | {
      ok: false;
      retryable: false;
      reason: string;
      kind: RefusalKind;
      detail?: string;
      configKey?: string;
    };

/** A delivery report from a carrier (SMPP receipt or HTTP status callback). */
export interface DeliveryReceipt {
  carrier: string;
  /** The carrier's id for the message (or for one part of it). */
  carrierRef: string;
  /**
   * Other spellings of `carrierRef`, tried in order when it matches nothing: many SMSCs answer
   * submit_sm with a hex id and put the same number in decimal in the receipt, or the reverse.
   */
  otherRefs?: readonly string[];
  status: 'delivered' | 'failed';
  /** Carrier's wording for a failure, or its stat/err fields. */
  error?: string;
  /** When the carrier says it happened, epoch ms, if known. */
  at?: number;
}

/** A mobile-originated message from a carrier, already reassembled when it came in parts. */
export interface InboundSms {
  carrier: string;
  /** Carrier's id, used to store a carrier's retry only once. */
  carrierRef: string;
  from: string;
  to: string;
  body: string;
}

/**
 * One media file of a carrier's inbound MMS, as its webhook names it: where the carrier serves it and
 * the content type it declares (Twilio `MediaContentType<n>`, Telnyx `media[].content_type`).
 */
export interface InboundMedia {
  url: string;
  contentType?: string;
}

/** How the bytes of an inbound part are text: GSM 03.38 septets unpacked, UCS-2 (UTF-16BE), Latin-1, UTF-8. */
export type PartEncoding = 'gsm7' | 'ucs2' | 'latin1' | 'utf8';

/**
 * One part of a concatenated inbound message (TS 23.040 §9.2.3.24.1 UDH, SMPP 3.4 sar_* TLVs, Vonage
 * `concat-*`). Parts are kept as bytes and joined before they are decoded, so a character split across
 * two parts by the sender's SMSC still decodes.
 */
export interface InboundPart {
  carrier: string;
  from: string;
  to: string;
  /** The sender's concatenation reference; with carrier, sender, recipient and total it names the group. */
  ref: string;
  total: number;
  /** 1-based. */
  seq: number;
  data: Uint8Array;
  encoding: PartEncoding;
  /** Join what arrived when the group is still incomplete this long after its first part. */
  timeoutMs: number;
}

/**
 * Where a carrier with its own connection (SMPP) reports what arrives over it. Each promise resolves
 * once what it reports is durable (or deliberately dropped, with a warning), and rejects when it could
 * not be stored: only then may the carrier acknowledge it.
 */
export interface CarrierEvents {
  receipt(r: DeliveryReceipt): Promise<void>;
  inbound(m: InboundSms): Promise<void>;
  part(p: InboundPart): Promise<void>;
}

/**
 * The outbox's doorbell: a use-case that stored jobs (a push, a delivery) rings it so the dispatcher
 * claims them now instead of at its next poll. Never throws; a no-op where no dispatcher runs here
 * (the jobs wait for a worker's poll).
 */
export interface OutboxSignal {
  wake(): void;
}

/**
 * Where a use-case reports what an operator should see (pino's method shape: fields first, then the
 * message). Never a password or a message text.
 */
export interface Log {
  error(fields: object, msg: string): void;
  warn(fields: object, msg: string): void;
  info(fields: object, msg: string): void;
}

/**
 * An SMS carrier. A new carrier = one file in `carriers/` + one line in `carriers/index.ts`.
 * `send` must honour `signal` (abort = give up now, report retryable).
 */
export interface CarrierAdapter {
  readonly name: string;
  /**
   * Most messages this carrier may have between `send` and a durable outcome (SMPP: `maxUnrecorded`).
   * The deliver job holds one of these slots from the send until the outcome is committed, so a crash
   * resends at most this many messages through this carrier. Undefined: bounded by the worker only.
   */
  readonly maxInFlight?: number;
  /**
   * Whether a send started now would go out without queueing (SMPP: bound, with a free window slot).
   * Send Message asks before it stores an off-net message: without capacity the phone is answered
   * once the message is durable and the worker sends it. Absent: always.
   */
  hasCapacity?(): boolean;
  /** Whether this carrier sends `mediaUrls` as MMS. Absent: it sends text only (SMS). */
  readonly mms?: boolean;
  send(msg: OutboundSms, signal: AbortSignal): Promise<SendOutcome>;
  /** Connect (SMPP bind) and start reporting receipts and inbound messages. Optional. */
  start?(events: CarrierEvents): Promise<void>;
  /** Release connections. Optional. */
  close?(): Promise<void>;
  /**
   * The state of a carrier's own connection (SMPP's bind), for readiness and the operator. Absent:
   * the carrier has no lasting link (an HTTP API is reached per request).
   */
  link?(): LinkState;
  /** Submits awaiting the carrier's answer now (SMPP: window slots in use), for the metrics. Optional. */
  inFlight?(): number;
  /** The carrier's own limit on submits awaiting an answer (SMPP: `window`), for the metrics. */
  readonly window?: number;
}

/** `up`: bound and usable; `connecting`: a bind is in progress or a reconnect is due; `down`: closed. */
export type LinkState = 'up' | 'connecting' | 'down';

/** A local account as the use-cases see it. */
export interface Account {
  id: number;
  username: string;
  passwordHash: string;
  /** Default region for national numbers (`US`, `GB`, …). */
  region: string;
  /** Credit in micro-units; null = unlimited. */
  creditMicros: number | null;
  /** Phone numbers (E.164) and extensions, first = default sender ID. */
  numbers: string[];
}

/** Read side of accounts, used on every request. */
export interface AccountLookup {
  byUsername(username: string): Promise<Account | undefined>;
  /** By E.164 number or extension. */
  byNumber(number: string): Promise<Account | undefined>;
}

/** Everything an accepted message is stored with: a `Message` before it has an id and a history. */
export type NewMessage = Pick<
  import('../domain/message.js').Message,
  | 'senderAccountId'
  | 'recipientAccountId'
  | 'from'
  | 'to'
  | 'toRaw'
  | 'body'
  | 'contentType'
  | 'dispositionNotification'
  | 'status'
  | 'segments'
  | 'chargeMicros'
> & {
  /** The app's Smart Contacts flag, stored as sent. */
  smart: boolean;
  /**
   * Set by Send Message alone: the HTTP request that carried it (`''` when none), kept for the
   * timeline's `accepted` event (app/timeline.ts). Absent on every other message.
   */
  requestId?: string;
};

/** Kinds of background job in the outbox table. */
export type JobKind = 'deliver' | 'push' | 'webhook' | 'inbound-media';

/** Write side of messages, on the Send Message hot path. */
export interface MessageAcceptor {
  /**
   * Durably store a message, charge the sender and enqueue its jobs, all in one transaction; resolves
   * only after the commit is on disk. Rejects with `notEnoughCredit()` when the charge does not fit.
   * Returns the new message id (the app's sms_id). Its timeline's first event, `accepted`, is read
   * from the message itself (app/timeline.ts), so nothing more is written for it.
   */
  accept(message: NewMessage, jobs: readonly JobKind[]): Promise<number>;
  /**
   * The same, with the jobs born leased to `lease` (claimed by its owner, as a worker's claim leaves
   * them): resolves with the message id and the id of its first job, so the process that holds the
   * lease (the first attempt) has its job without reading it.
   */
  acceptLeased(message: NewMessage, jobs: readonly JobKind[], lease: JobLease): Promise<Accepted>;
}

/** An accepted message: its id (the sms_id), and its first job's id when its jobs were born leased. */
export interface Accepted {
  id: number;
  leasedJob: number | undefined;
}

/** A lease taken on jobs as they are inserted: `owner` may run them for `ms` before anyone else may. */
export interface JobLease {
  owner: string;
  ms: number;
}

/** A claimed job, as the dispatcher hands it to the handler for its kind. */
export interface Job {
  id: number;
  kind: JobKind;
  /**
   * The message id the job is about (`deliver`, `push`); a `webhook` job's event id (`webhook_events`);
   * an `inbound-media` job's held message (`inbound_media`).
   */
  refId: number;
  /** Attempts made before this one. */
  attempts: number;
}

/**
 * What a job handler tells the dispatcher. Values, not throws:
 * - done: remove the job.
 * - retry: run again at `at` (epoch ms); `error` is recorded.
 * - failed: give up for good; `error` is recorded.
 * - `recorded`: the handler already wrote this outcome for its job in the same transaction as its own
 *   changes (the deliver job does: one commit per batch instead of two); the queue writes nothing more.
 */
export type JobOutcome =
  | { done: true; recorded?: true }
  | { done: false; retryAt: number; error: string; recorded?: true }
  | { done: false; failed: true; error: string; recorded?: true };

/** Runs one kind of job (`deliver`, `push`); registered with the dispatcher by kind in `main/service.ts`. */
export type JobHandler = (job: Job, signal: AbortSignal) => Promise<JobOutcome>;
