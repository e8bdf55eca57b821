/**
 * Send Message use-case: authenticate → check the text → resolve the recipient → price it →
 * store + charge + enqueue in one durable transaction → the sms_id.
 *
 * On-net recipients (another local account by number, username or SIP address) get the message in
 * their inbox at once, with a push job when they have a device to push to; a sender who asked for
 * `positive-delivery` then gets the delivery notification at once too, since the message is in the
 * recipient's inbox the moment this answers. Anything else waits in the outbox as `queued` for the
 * delivery engine, whose first attempt this process makes itself while the phone waits (up to
 * `waitMs`), so a carrier's refusal reaches the phone as an error. Whatever jobs were stored, the
 * outbox is woken here: reading this file tells everything a send does.
 */
import { accountAddress, parseAddress } from '../domain/address.js';
import {
  CONTENT_TYPE_DISPOSITION,
  CONTENT_TYPE_FILE_TRANSFER,
  CONTENT_TYPE_TEXT,
} from '../domain/message.js';
import { mmsPriceMicros, type RateTable, segmentPriceMicros, toMicros } from '../domain/rates.js';
import { phoneReason } from '../domain/redact.js';
import { countSegments } from '../domain/segments.js';
import {
  badRequest,
  blocked,
  emptyBody,
  invalidRecipient,
  noRoute,
  rejected,
  SmsError,
  tooLarge,
  tooManyMessages,
} from '../errors.js';
import type { Authenticate, Credentials } from './authenticate.js';
import type { SendCommand } from './commands.js';
import { dispositionNotice } from './dispositions.js';
import type { FirstAttempt, HandOff } from './first-attempt.js';
import type { InboxStore } from './inbound.js';
import type {
  Account,
  AccountLookup,
  Clock,
  Job,
  JobKind,
  JobLease,
  Log,
  MessageAcceptor,
  NewMessage,
  OutboxSignal,
  RefusalKind,
} from './ports.js';
import type { PushTokenStore } from './push-tokens.js';
import { makeResolveRecipient, type RecipientRules } from './recipients.js';

export interface SendOptions {
  rates: RateTable;
  maxBodyBytes: number;
  recipients: RecipientRules;
  /** Jobs stored with every message that lands in an inbox: `['push']` when push is on, else none. */
  inboxJobs: readonly JobKind[];
}

/**
 * Off-net delivery as the send path sees it. Without it, off-net messages are only queued
 * (the lead's original behaviour, kept for tests of the HTTP edge alone).
 */
export interface SendDelivery {
  /**
   * The route to this off-net recipient for this sender: undefined when there is none (406 `No route
   * to …`, nothing stored); `now` when its first carrier has room for a message at once; `inHand`,
   * without room, when the carrier's link is up and this process can keep one more send in hand.
   */
  plan(to: string, sender: Account): { now: boolean; inHand: boolean } | undefined;
  /**
   * With room, the deliver job is inserted leased to this process, which makes the first attempt
   * itself while the phone waits; without room but in hand, leased too, and the attempt is made in
   * the background once the phone has its answer (`handOff`); otherwise it is inserted due and the
   * worker sends it.
   */
  lease: JobLease;
  firstAttempt: FirstAttempt;
  handOff: HandOff;
  /** How long the phone waits for the first attempt before it gets 200 anyway. */
  waitMs: number;
}

/** Count one send for the account in the current minute (across instances); resolves with the count. */
export type SendCounter = (accountId: number) => Promise<number>;

export interface SendDeps {
  authenticate: Authenticate;
  accounts: AccountLookup;
  messages: MessageAcceptor;
  /** Where the on-net delivery notification is stored, once by its key. */
  inbox: InboxStore;
  /** Whether an on-net recipient has a device that reported a push token. */
  devices: Pick<PushTokenStore, 'hasDevices'>;
  /** Rung when a push job or a notification was stored, so it leaves now rather than at the poll. */
  outbox: OutboxSignal;
  log: Log;
  clock: Clock;
  options: SendOptions;
  delivery?: SendDelivery;
  /** `limits.sendPerMinute`: above `perMinute` sends in a minute, 429. Absent = no limit. */
  sendRate?: { perMinute: number; count: SendCounter };
}

/** A carrier's permanent refusal as the error the phone shows, with the carrier's own reason. */
export function refusalError(kind: RefusalKind, carrierReason: string): SmsError {
  // The carrier's words, short and with anything like a credential masked (its own secrets were
  // masked by the carrier adapter); the whole answer is in the message's `last_error`.
  const reason = phoneReason(carrierReason);
  switch (kind) {
    case 'invalid_recipient':
      return new SmsError('SMS_ERR_INVALID_RECIPIENT', reason);
    case 'blocked':
      return blocked(reason);
    case 'no_route':
      return new SmsError('SMS_ERR_NO_ROUTE', reason);
    case 'rejected':
      return rejected(reason);
  }
}

/** Wait for `p` at most `ms`; undefined on timeout (`p` goes on). */
function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise<T | undefined>((resolve, reject) => {
    const t = setTimeout(() => resolve(undefined), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}

export interface SendResult {
  smsId: number;
  /** Where it went: another local account's inbox, or the outbox for a carrier. */
  onNet: boolean;
}

/** No jobs, as one shared promise: with push off, every on-net send would otherwise make one. */
const NO_JOBS: Promise<readonly JobKind[]> = Promise.resolve([]);

/**
 * `readRequest` is called only after authentication, so a stranger learns nothing about field rules
 * and a missing password is 401 before any 400.
 */
export type SendMessage = (credentials: Credentials, readRequest: () => SendCommand) => Promise<SendResult>;

export function makeSendMessage({
  authenticate,
  accounts,
  messages,
  inbox,
  devices,
  outbox,
  log,
  clock,
  options,
  delivery,
  sendRate,
}: SendDeps): SendMessage {
  const resolve = makeResolveRecipient(accounts, options.recipients);
  const { inboxJobs } = options;

  /**
   * The jobs of an on-net message: a push only when push is on and the recipient has a device with a
   * token. A push job for an account without devices would cost a claim, a load and a delete (about
   * half the work of an on-net send) to push nothing. A device that reports its first token while the
   * message is being sent misses that one push; the app fetches when it comes to the foreground anyway.
   */
  const recipientJobs = (accountId: number): Promise<readonly JobKind[]> =>
    inboxJobs.length === 0 ? NO_JOBS : devices.hasDevices(accountId).then((has) => (has ? inboxJobs : []));

  /**
   * An on-net message is delivered once stored: a sender who asked for `positive-delivery` is told
   * now. Never throws (the message is stored, and failing the send would make the app send it
   * twice): a failure is logged. True when a notification was stored.
   */
  const notifyDelivered = async (smsId: number, message: NewMessage): Promise<boolean> => {
    const notice = dispositionNotice({ id: smsId, ...message }, 'delivered', clock.now());
    if (!notice) return false;
    try {
      const { duplicate } = await inbox.storeKeyed(notice.message, notice.key, inboxJobs, {
        notice: { about: smsId, status: 'delivered' },
      });
      return !duplicate;
    } catch (err) {
      log.error({ err, smsId }, 'storing an on-net delivery notification failed');
      return false;
    }
  };

  return async (credentials, readRequest) => {
    const sender = await authenticate(credentials);
    const req = readRequest();

    if (req.body.trim().length === 0) throw emptyBody();
    // PostgreSQL text cannot hold U+0000, and no phone shows it: refuse it the same on both engines.
    if (req.body.includes('\u0000')) throw badRequest('Message text contains a NUL character');
    if (Buffer.byteLength(req.body, 'utf8') > options.maxBodyBytes) {
      throw tooLarge(`Message is too long (limit ${Math.floor(options.maxBodyBytes / 1024)} KiB)`);
    }

    const addr = parseAddress(req.to, sender.region);
    const dest = addr && (await resolve(addr));
    if (!dest) throw invalidRecipient();

    // A read receipt cannot travel as SMS: off-net it is stored as `sent` with no carrier, no job and
    // no charge, so the app gets its sms_id and the carrier never sees it (docs/delivery.md).
    const dropped = !dest.onNet && req.contentType === CONTENT_TYPE_DISPOSITION;
    const deliver = !dest.onNet && !dropped && delivery;
    const plan = deliver ? deliver.plan(dest.to, sender) : undefined;
    if (deliver && !plan) throw noRoute(dest.to);

    // Only text is split into SMS segments; file transfers and receipts count as one unit on-net.
    const segments = req.contentType === CONTENT_TYPE_TEXT ? countSegments(req.body).segments : 1;
    // Counted only for a send that is otherwise ready to store, so typos and bad numbers cost nothing.
    if (sendRate && (await sendRate.count(sender.id)) > sendRate.perMinute) throw tooManyMessages();
    // A picture message off-net is charged once at the MMS price (docs/media.md), as MMS or as links.
    const price = dest.onNet
      ? toMicros(options.rates.onNet)
      : req.contentType === CONTENT_TYPE_FILE_TRANSFER
        ? mmsPriceMicros(options.rates, dest.to)
        : segmentPriceMicros(options.rates, dest.to);
    const message: NewMessage = {
      senderAccountId: sender.id,
      recipientAccountId: dest.onNet ? dest.account.id : null,
      from: accountAddress(sender),
      to: dest.to,
      toRaw: req.to,
      body: req.body,
      contentType: req.contentType,
      dispositionNotification: req.dispositionNotification,
      smart: req.smart,
      status: dest.onNet ? 'delivered' : dropped ? 'sent' : 'queued',
      segments,
      chargeMicros: dropped ? 0 : price * segments,
      // Its timeline's `accepted` event is read from the message row (app/timeline.ts).
      requestId: req.requestId ?? '',
    };
    const jobs: readonly JobKind[] = dest.onNet
      ? await recipientJobs(dest.account.id)
      : dropped
        ? []
        : ['deliver'];
    // The phone waits for the first attempt only when the carrier has room now (`plan.now`): a phone is
    // never queued behind the carrier's window. Without room, the message is answered once durable, and
    // this process sends it in the background (`plan.inHand`) or the worker does with the rest of the
    // queue (docs/delivery.md, "The path of a message").
    const first = deliver && plan?.now ? deliver : undefined;
    const inHand = deliver && !first && plan?.inHand ? deliver : undefined;
    const leased = first ?? inHand;
    let smsId: number;
    let job: Job | undefined;
    if (leased) {
      // Its one job is the deliver job, leased to this process (`jobs` is ['deliver'] here).
      const a = await messages.acceptLeased(message, jobs, leased.lease);
      smsId = a.id;
      job =
        a.leasedJob === undefined
          ? undefined
          : { id: a.leasedJob, kind: 'deliver', refId: a.id, attempts: 0 };
    } else smsId = await messages.accept(message, jobs);
    if (dest.onNet) {
      const notified = message.dispositionNotification !== null && (await notifyDelivered(smsId, message));
      if (notified || jobs.length > 0) outbox.wake();
      return { smsId, onNet: true };
    }
    if (first && job) {
      // A failing first attempt (a database hiccup) is not the phone's problem: the message is stored
      // and its lease runs out, then a worker tries again.
      const answer = await within(
        first.firstAttempt(job, message).catch((): Awaited<ReturnType<FirstAttempt>> => ({})),
        first.waitMs,
      );
      if (answer?.refusal)
        throw answer.refusal.error ?? refusalError(answer.refusal.kind, answer.refusal.reason);
    } else if (inHand && job) inHand.handOff.give(job, message);
    else if (jobs.length > 0) outbox.wake();
    return { smsId, onNet: false };
  };
}
