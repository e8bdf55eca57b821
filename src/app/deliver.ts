/**
 * The `deliver` job: load the message → route it → carrier.send, trying failover carriers in order on
 * a transient failure → record the outcome.
 *
 * - accepted: `sent`, with the carrier's id for every part (carrier_refs), so receipts find it.
 * - refused for good (bad number, blocked, no route, rejected): `failed` with the carrier's reason, the
 *   charge refunded and a bounce notice in the sender's inbox, all in one transaction. Failover is not
 *   tried: a number that does not exist does not exist on the next carrier either.
 * - transient on every carrier: back to `queued` with `last_error` and a retry time from
 *   `domain/retry.ts`; past the attempt or age limit it fails like a refusal (refund, bounce).
 *
 * Every outcome is written by the store (`recorded`): a retry with its job's new run time, a failure
 * with its job's deletion, in one transaction; a sent message's job is deleted just after, in bulk.
 * A carrier with `maxInFlight` (SMPP: `maxUnrecorded`) has at most that many messages between the send
 * and the committed outcome; the slot is held until then, which bounds what a crash can send twice.
 * That bound is not the SMPP window: a window slot is free again at its `submit_sm_resp`, so the link
 * never waits for a commit, and outcomes are written in batches meanwhile (docs/delivery.md).
 *
 * `attempt` returns the refusal too, so the Send Message fast path can tell the phone why.
 */
import { CONTENT_TYPE_FILE_TRANSFER, type Message } from '../domain/message.js';
import { phoneReason } from '../domain/redact.js';
import { nextAttempt, type RetryPolicy } from '../domain/retry.js';
import { type Route, route } from '../domain/routing.js';
import { type EventDetails, event, eventReason, type NewEvent } from '../domain/timeline.js';
import type { SmsError } from '../errors.js';
import { deliveryLog } from './delivery-log.js';
import type { DeliveryStore, FailedSend } from './delivery-ports.js';
import { type MmsSend, mediaStep, type PreparedMms } from './mms-send.js';
import type {
  CarrierAdapter,
  Clock,
  Job,
  JobHandler,
  JobKind,
  JobOutcome,
  Log,
  RefusalKind,
} from './ports.js';
import { noticeToSender } from './sender-notice.js';
import { Slots } from './slots.js';

/** What the deliver job needs, wired in `main/service.ts`. */
export interface DeliverDeps {
  store: DeliveryStore;
  carriers: ReadonlyMap<string, CarrierAdapter>;
  routes: readonly Route[];
  retry: RetryPolicy;
  clock: Clock;
  /** Jobs enqueued with a bounce notice (a push to the sender's devices, when push is on). */
  bounceJobs: readonly JobKind[];
  random?: () => number;
  /** Where failed attempts, refusals and give-ups are logged (`delivery-log.ts`). */
  log?: Log;
  /** Picture messages to carriers (MMS, or the text fallback); absent: a file transfer goes as text. */
  mms?: MmsSend;
}

/** One attempt's result: the job outcome, and the refusal when a carrier (or routing) said no for good. */
export interface Attempt {
  outcome: JobOutcome;
  refusal?: { kind: RefusalKind; reason: string; error?: SmsError };
  /** The carrier that accepted it. */
  carrier?: string;
}

/** The deliver use-case. */
export interface Deliver {
  /**
   * Send the job's message and record the outcome. `loaded`: the message as it was just stored (the
   * first attempt has it in hand), so it is not read back. `onSent`: called as soon as a carrier took
   * the message, before its outcome is written (the first attempt answers the phone then).
   */
  attempt(job: Job, signal: AbortSignal, loaded?: Message, onSent?: () => void): Promise<Attempt>;
  /** Whether `carrier` would take a message now without queueing it (its gate and its own window). */
  hasCapacity(carrier: string): boolean;
  /** The same, as the dispatcher's handler for `deliver` jobs. */
  handler: JobHandler;
  /** Builds the sender's bounce notice for a failed message (also used for failure receipts). */
  bounce(m: Message, error: string): FailedSend['bounce'] | undefined;
}

/** Build the deliver use-case. */
export function makeDeliver(deps: DeliverDeps): Deliver {
  const { store, carriers, clock } = deps;

  const bounce = (m: Message, error: string): FailedSend['bounce'] | undefined => {
    if (m.senderAccountId === null) return undefined;
    return {
      message: noticeToSender(
        { senderAccountId: m.senderAccountId, from: m.from, to: m.to },
        `Message to ${m.to} could not be delivered: ${phoneReason(error)}`,
        'text/plain',
      ),
      jobs: deps.bounceJobs,
    };
  };

  /** `error` goes to `last_error`; `notice` (the short reason, when there is one) to the bounce. */
  const fail = async (
    m: Message,
    jobId: number,
    error: string,
    carrier: string | null,
    counted: number,
    notice: string,
    events: readonly NewEvent[],
  ) => {
    const b = bounce(m, notice);
    await store.recordFailed({
      messageId: m.id,
      jobId,
      error,
      carrier,
      counted,
      ...(b ? { bounce: b } : {}),
      refundMicros: m.chargeMicros,
      events,
    });
  };

  // A carrier's unrecorded slots: taken before the send, given back once the outcome is committed, so
  // at most `maxInFlight` messages per carrier are sent but not yet recorded (the crash bound,
  // docs/delivery.md).
  const gates = new Map<string, Slots>();
  for (const [name, c] of carriers)
    if (c.maxInFlight !== undefined) gates.set(name, new Slots(c.maxInFlight));

  const hasCapacity = (name: string): boolean => {
    const gate = gates.get(name);
    if (gate && gate.available === 0) return false;
    const carrier = carriers.get(name);
    return carrier?.hasCapacity ? carrier.hasCapacity() : true;
  };

  /** An attempt; the media it prepared is deleted again unless a carrier took the message. */
  async function attempt(
    job: Job,
    signal: AbortSignal,
    loaded?: Message,
    onSent?: () => void,
  ): Promise<Attempt> {
    const media: { prepared?: PreparedMms } = {};
    const a = await attemptOnce(job, signal, media, loaded, onSent);
    if (media.prepared && a.carrier === undefined) {
      await media.prepared
        .discard()
        .catch((err: unknown) => deps.log?.warn({ err }, 'deleting media failed'));
    }
    return a;
  }

  async function attemptOnce(
    job: Job,
    signal: AbortSignal,
    media: { prepared?: PreparedMms },
    loaded?: Message,
    onSent?: () => void,
  ): Promise<Attempt> {
    const m = loaded ?? (await store.loadQueued(job.refId));
    if (!m) return { outcome: { done: true } }; // already sent, failed or retried by someone else
    const sender = m.senderAccountId === null ? undefined : await store.senderOf(m.senderAccountId);
    const choice = route(deps.routes, m.to, sender ?? { username: '', numbers: [m.from] });
    const attemptNo = job.attempts + 1;
    const body = carrierText(m);
    // Built only for a line to write (a failed attempt): a sent message, nearly all of them, has none.
    const log = () => deliveryLog(deps.log, m.id, { body, numbers: [m.to, m.from, choice?.from ?? m.from] });
    // The timeline: the route, then one event per carrier tried, written with the outcome.
    const events: NewEvent[] = [];
    const attempted = (carrier: string | null, started: number, d: Partial<EventDetails['attempt']>) => {
      const at = clock.now();
      const details = { carrier, outcome: 'retry' as const, latencyMs: at - started, ...d };
      if (details.reason !== undefined) details.reason = eventReason(details.reason);
      events.push(event(m.id, at, 'attempt', details));
    };
    if (!choice) {
      const reason = `No route to ${m.to}`;
      attempted(null, clock.now(), { outcome: 'refused', reason });
      await fail(m, job.id, reason, null, 1, reason, events);
      log().noRoute(attemptNo);
      return {
        outcome: { done: false, failed: true, error: reason, recorded: true },
        refusal: { kind: 'no_route', reason },
      };
    }
    const sms = { smsId: String(m.id), from: choice.from, to: m.to, body };
    // The order of the carriers matters only with failover: with one carrier, the attempt names it, and
    // a row fewer per message is a few per cent of a drain's CPU (docs/timeline.md).
    if (choice.carriers.length > 1)
      events.push(event(m.id, clock.now(), 'routed', { carriers: choice.carriers }));
    let lastReason = 'no carrier available';
    let lastNotice = lastReason;
    const tried: string[] = [];
    // A picture message: its files prepared first; a bad attachment fails it like a refusal.
    const step = await mediaStep(deps.mms, m, choice.carriers, carriers, signal);
    if (step.kind === 'refused') {
      const reason = step.error.message;
      attempted(null, clock.now(), { outcome: 'refused', reason });
      await fail(m, job.id, reason, null, 1, reason, events);
      log().refused('media', 'rejected', reason, attemptNo);
      return {
        outcome: { done: false, failed: true, error: reason, recorded: true },
        refusal: { kind: 'rejected', reason, error: step.error },
      };
    }
    if (step.kind === 'retry') lastReason = lastNotice = step.reason;
    if (step.kind === 'mms') media.prepared = step.prepared;
    const names = step.kind === 'mms' ? step.carriers : step.kind === 'retry' ? [] : choice.carriers;
    for (const name of names) {
      const carrier = carriers.get(name);
      if (!carrier) continue; // config validation makes this unreachable; never throw on the send path
      const gate = gates.get(name);
      if (gate && !(await gate.acquire(signal))) {
        lastReason = `${name}: aborted waiting for a free slot`;
        break;
      }
      const started = clock.now();
      try {
        const r = await carrier.send(media.prepared ? media.prepared.forCarrier(carrier, sms) : sms, signal);
        if (r.ok) {
          onSent?.();
          attempted(name, started, { outcome: 'sent', refs: r.carrierRefs });
          await store.recordSent({
            messageId: m.id,
            jobId: job.id,
            carrier: name,
            refs: r.carrierRefs,
            events,
          });
          return { outcome: { done: true, recorded: true }, carrier: name };
        }
        attempted(name, started, {
          outcome: r.retryable ? 'retry' : 'refused',
          reason: r.detail ?? r.reason,
        });
        if (!r.retryable) {
          const error = r.detail ?? r.reason;
          await fail(m, job.id, error, name, 1, r.reason, events);
          log().refused(name, r.kind, error, attemptNo, r.configKey);
          return {
            outcome: { done: false, failed: true, error, recorded: true },
            refusal: { kind: r.kind, reason: r.reason },
          };
        }
        lastReason = `${name}: ${r.detail ?? r.reason}`;
        lastNotice = r.reason;
        tried.push(name);
      } finally {
        gate?.release();
      }
      if (signal.aborted) break;
    }
    const now = clock.now();
    // Stopping or out of lease: hand the job back at once, it was not the message's fault.
    const next = signal.aborted
      ? { retryAt: now }
      : nextAttempt(deps.retry, job.attempts + 1, m.createdAt, now, deps.random);
    if ('giveUp' in next) {
      const error = `${lastReason} (${next.giveUp})`;
      attempted(null, now, { outcome: 'gave_up', reason: error });
      await fail(m, job.id, error, null, 1, lastNotice, events);
      log().gaveUp(tried.join(','), error, attemptNo);
      return { outcome: { done: false, failed: true, error, recorded: true } };
    }
    await store.recordRetry({
      messageId: m.id,
      jobId: job.id,
      error: lastReason,
      retryAt: next.retryAt,
      events,
    });
    // A job handed back because the process is stopping failed nothing: no line for it.
    if (!signal.aborted) log().retry(tried.join(','), lastReason, attemptNo, next.retryAt);
    return { outcome: { done: false, retryAt: next.retryAt, error: lastReason, recorded: true } };
  }

  return {
    attempt,
    hasCapacity,
    handler: async (job, signal) => (await attempt(job, signal)).outcome,
    bounce,
  };
}

/**
 * What an SMS carries for each content type. A file transfer (Acrobits
 * `application/x-acro-filetransfer+json`: `{"body": caption, "attachments": [{"content-url": …}]}`)
 * becomes its caption and the attachment links, one per line: the text of a picture message when
 * picture messages are not wired (no public URL to offer files at, `mms-send.ts`), and what the
 * delivery log masks.
 */
export function carrierText(m: Pick<Message, 'body' | 'contentType'>): string {
  if (m.contentType !== CONTENT_TYPE_FILE_TRANSFER) return m.body;
  try {
    const doc = JSON.parse(m.body) as { body?: unknown; text?: unknown; attachments?: unknown };
    const caption = typeof doc.body === 'string' ? doc.body : typeof doc.text === 'string' ? doc.text : '';
    const links = Array.isArray(doc.attachments)
      ? doc.attachments
          .map((a) => (a as Record<string, unknown> | null)?.['content-url'])
          .filter((u): u is string => typeof u === 'string')
      : [];
    const text = [caption, ...links].filter((s) => s !== '').join('\n');
    return text || m.body;
  } catch {
    return m.body;
  }
}
