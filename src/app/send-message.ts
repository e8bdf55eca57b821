/**
 * Send Message use-case: authenticate → check the text → resolve the recipient → price it →
 * store + charge + enqueue in one durable transaction → the sms_id.
 *
 * On-net recipients (another local account by number, username or SIP address) get the message in
 * their inbox at once; anything else waits in the outbox as `queued` for the delivery engine.
 */
import { type Address, formatAddress, parseAddress } from '../domain/address.js';
import { CONTENT_TYPE_DISPOSITION, CONTENT_TYPE_TEXT } from '../domain/message.js';
import { type RateTable, segmentPriceMicros, toMicros } from '../domain/rates.js';
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
import type { SendRequest } from '../protocol/acrobits/send-message.js';
import type { Authenticate, Credentials } from './authenticate.js';
import type { FirstAttempt } from './first-attempt.js';
import type {
  Account,
  AccountLookup,
  JobKind,
  JobLease,
  MessageAcceptor,
  NewMessage,
  RefusalKind,
} from './ports.js';

export interface SendOptions {
  rates: RateTable;
  maxBodyBytes: number;
  recipients: { allowShortCodes: boolean; shortCodeMinDigits: number; shortCodeMaxDigits: number };
  /** Jobs to enqueue with an on-net message (a push to the recipient's devices, when push is on). */
  onNetJobs: (recipientAccountId: number) => readonly JobKind[] | Promise<readonly JobKind[]>;
}

/**
 * Off-net delivery as the send path sees it (issue #3). Without it, off-net messages are only queued
 * (the lead's original behaviour, kept for tests of the HTTP edge alone).
 */
export interface SendDelivery {
  /** Is there a route to this off-net recipient for this sender? No: 406 `No route to …`, nothing stored. */
  canRoute(to: string, sender: Account): boolean;
  /** The deliver job is inserted leased to this process, which makes the first attempt itself. */
  lease: JobLease;
  firstAttempt: FirstAttempt;
  /** How long the phone waits for the first attempt before it gets 200 anyway. */
  waitMs: number;
}

/** Count one send for the account in the current minute (across instances); resolves with the count. */
export type SendCounter = (accountId: number) => Promise<number>;

export interface SendDeps {
  authenticate: Authenticate;
  accounts: AccountLookup;
  messages: MessageAcceptor;
  options: SendOptions;
  delivery?: SendDelivery;
  /** `limits.sendPerMinute`: above `perMinute` sends in a minute, 429. Absent = no limit. */
  sendRate?: { perMinute: number; count: SendCounter };
}

/** A carrier's permanent refusal as the error the phone shows, with the carrier's own reason. */
export function refusalError(kind: RefusalKind, reason: string): SmsError {
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
  sender: Account;
  /** The message as stored (an on-net one is delivered already: its delivery notification is due). */
  message: NewMessage;
  /** The jobs stored with it (`push` for a recipient with devices, `deliver` off-net). */
  jobs: readonly JobKind[];
}

/** Where a recipient lives. */
type Destination = { onNet: true; account: Account; to: string } | { onNet: false; to: string };

/**
 * `readRequest` is called only after authentication, so a stranger learns nothing about field rules
 * and a missing password is 401 before any 400.
 */
export type SendMessage = (credentials: Credentials, readRequest: () => SendRequest) => Promise<SendResult>;

export function makeSendMessage({
  authenticate,
  accounts,
  messages,
  options,
  delivery,
  sendRate,
}: SendDeps): SendMessage {
  const resolve = async (addr: Address): Promise<Destination | undefined> => {
    switch (addr.kind) {
      case 'phone': {
        const account = await accounts.byNumber(addr.e164);
        return account ? { onNet: true, account, to: addr.e164 } : { onNet: false, to: addr.e164 };
      }
      case 'short': {
        const account = (await accounts.byNumber(addr.digits)) ?? (await accounts.byUsername(addr.digits));
        if (account) return { onNet: true, account, to: addr.digits };
        const { allowShortCodes, shortCodeMinDigits: min, shortCodeMaxDigits: max } = options.recipients;
        const n = addr.digits.length;
        return allowShortCodes && n >= min && n <= max ? { onNet: false, to: addr.digits } : undefined;
      }
      case 'local': {
        const account = await accounts.byUsername(addr.name);
        return account && { onNet: true, account, to: account.username };
      }
      case 'sip': {
        const full = formatAddress(addr);
        const account = (await accounts.byUsername(full)) ?? (await accounts.byUsername(addr.user));
        if (account) return { onNet: true, account, to: account.username };
        // `sip:+15551231234@host` is a phone number in SIP clothing.
        const inner = parseAddress(addr.user, 'ZZ');
        if (inner?.kind === 'phone') return resolve(inner);
        throw noRoute(full);
      }
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
    if (deliver && !deliver.canRoute(dest.to, sender)) throw noRoute(dest.to);

    // Only text is split into SMS segments; file transfers and receipts count as one unit on-net.
    const segments = req.contentType === CONTENT_TYPE_TEXT ? countSegments(req.body).segments : 1;
    // Counted only for a send that is otherwise ready to store, so typos and bad numbers cost nothing.
    if (sendRate && (await sendRate.count(sender.id)) > sendRate.perMinute) throw tooManyMessages();
    const price = dest.onNet ? toMicros(options.rates.onNet) : segmentPriceMicros(options.rates, dest.to);
    const message: NewMessage = {
      senderAccountId: sender.id,
      recipientAccountId: dest.onNet ? dest.account.id : null,
      from: sender.numbers[0] ?? sender.username,
      to: dest.to,
      toRaw: req.to,
      body: req.body,
      contentType: req.contentType,
      dispositionNotification: req.dispositionNotification,
      smart: req.smart,
      status: dest.onNet ? 'delivered' : dropped ? 'sent' : 'queued',
      segments,
      chargeMicros: dropped ? 0 : price * segments,
    };
    const jobs: readonly JobKind[] = dest.onNet
      ? await options.onNetJobs(dest.account.id)
      : dropped
        ? []
        : ['deliver'];
    const smsId = await messages.accept(message, jobs, ...(deliver ? [deliver.lease] : []));
    if (deliver) {
      // A failing first attempt (a database hiccup) is not the phone's problem: the message is stored
      // and its lease runs out, then a worker tries again.
      const first = await within(
        deliver.firstAttempt(smsId).catch((): Awaited<ReturnType<FirstAttempt>> => ({})),
        deliver.waitMs,
      );
      if (first?.refusal) throw refusalError(first.refusal.kind, first.refusal.reason);
    }
    return { smsId, onNet: dest.onNet, sender, message, jobs };
  };
}
