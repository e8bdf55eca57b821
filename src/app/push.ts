/**
 * Push job handler: a message landed in an account's inbox → `NotifyTextMessage` to the Acrobits push
 * service for each device that reported tokens (https://doc.acrobits.net/api/server/http_push.html).
 *
 * - Token pair: the "other" pair (`pushTokenOther`/`pushappid_other`, iOS 13+ remote notifications,
 *   the one meant for messages, §3 and http_push doc) when both halves are present, else the legacy
 *   `pushToken`/`pushappid`. A device with neither gets no push.
 * - `Id` is the message's sms_id: the app dedupes by it, so push and fetch never notify twice, and a
 *   retried job that pushes a device again is harmless.
 * - A token the push service calls unknown (code 404) is deleted (matrix2acrobits service/push.go):
 *   uninstalls are never reported (§4), so this is how dead devices leave.
 * - Transient failures retry the job with backoff, up to `maxAttempts`; then the job fails. The
 *   message itself is already stored and fetchable either way: push never blocks or loses it.
 */
import { CONTENT_TYPE_TEXT, type Message } from '../domain/message.js';
import { event, eventReason, maskTail, type NewEvent } from '../domain/timeline.js';
import type { Clock, JobHandler } from './ports.js';
import type { EventLog } from './timeline.js';

/** An installation's stored token pairs (push_tokens row). */
export interface DeviceTokens {
  selector: string;
  token: string | null;
  appid: string | null;
  tokenOther: string | null;
  appidOther: string | null;
}

/** The push target for one device, or undefined when it has no usable pair. */
export function pushTarget(d: DeviceTokens): { appId: string; token: string } | undefined {
  if (d.tokenOther && d.appidOther) return { appId: d.appidOther, token: d.tokenOther };
  if (d.token && d.appid) return { appId: d.appid, token: d.token };
  return undefined;
}

/** The PNM JSON body for `NotifyTextMessage` (http_push doc; extra fields as matrix2acrobits sends). */
export interface PushNotification {
  verb: 'NotifyTextMessage';
  AppId: string;
  DeviceToken: string;
  Selector: string;
  Id: string;
  Badge: number;
  ThreadId: string;
  UserName: string;
  Sound: 'default';
  Message?: string;
  ContentType?: string;
}

/** The push service's verdict on one push. */
export type PushAnswer =
  | { ok: true }
  | { ok: false; gone: true; reason: string }
  | { ok: false; gone: false; reason: string };

/** The push service (src/carriers/push/pnm.ts over HTTP; a loopback fake in tests). */
export interface PushGateway {
  send(n: PushNotification, signal: AbortSignal): Promise<PushAnswer>;
  /** Release its connections (shutdown). */
  close?(): Promise<void>;
}

/** What the push handler reads and deletes. */
export interface PushStore {
  message(id: number): Promise<Message | undefined>;
  devices(accountId: number): Promise<DeviceTokens[]>;
  unreadCount(accountId: number): Promise<number>;
  /** Delete this selector's row if it still holds `token`. */
  forgetToken(accountId: number, selector: string, token: string): Promise<void>;
}

export interface PushOptions {
  /** Attempts in all before the job fails. */
  maxAttempts: number;
  /** Wait before retry n (the last value repeats), ms. */
  retryDelaysMs: readonly number[];
  /** Put a preview of the text in `Message` (the app shows its own notification after fetching). */
  includeText: boolean;
}

export interface PushDeps {
  store: PushStore;
  gateway: PushGateway;
  clock: Clock;
  options: PushOptions;
  /** Told about each failed or dead-token push, for the log. */
  onPushError?: (info: { messageId: number; selector: string; reason: string; gone: boolean }) => void;
  /** Where each device's answer goes into the message's timeline (one write per job run). */
  events?: EventLog;
}

const PREVIEW_CODE_POINTS = 200;

export function makePushHandler({
  store,
  gateway,
  clock,
  options,
  onPushError,
  events,
}: PushDeps): JobHandler {
  return async (job, signal) => {
    const message = await store.message(job.refId);
    if (!message || message.recipientAccountId === null) return { done: true };
    const accountId = message.recipientAccountId;
    const devices = await store.devices(accountId);
    const targets = devices.flatMap((d) => {
      const t = pushTarget(d);
      return t ? [{ selector: d.selector, ...t }] : [];
    });
    if (targets.length === 0) return { done: true };

    const badge = await store.unreadCount(accountId);
    const text = message.contentType === CONTENT_TYPE_TEXT && options.includeText;
    const failures: string[] = [];
    const pushed: NewEvent[] = [];
    // A handful of devices per account: one after the other keeps the push service's load gentle.
    for (const t of targets) {
      const n: PushNotification = {
        verb: 'NotifyTextMessage',
        AppId: t.appId,
        DeviceToken: t.token,
        Selector: t.selector,
        Id: String(message.id),
        Badge: badge,
        ThreadId: message.from,
        UserName: message.from,
        Sound: 'default',
        ContentType: message.contentType,
        ...(text ? { Message: [...message.body].slice(0, PREVIEW_CODE_POINTS).join('') } : {}),
      };
      const answer = await gateway.send(n, signal);
      const status = answer.ok ? 'ok' : `${answer.gone ? 'gone' : 'failed'}: ${eventReason(answer.reason)}`;
      pushed.push(
        event(message.id, clock.now(), 'push', {
          device: maskTail(t.selector, 6),
          token: maskTail(t.token),
          status,
        }),
      );
      if (answer.ok) continue;
      onPushError?.({
        messageId: message.id,
        selector: t.selector,
        reason: answer.reason,
        gone: answer.gone,
      });
      if (answer.gone) await store.forgetToken(accountId, t.selector, t.token);
      else failures.push(`${t.selector}: ${answer.reason}`);
    }
    if (events && pushed.length > 0) await events.record(pushed);
    if (failures.length === 0) return { done: true };
    const error = failures.join('; ');
    const attempt = job.attempts + 1;
    if (attempt >= options.maxAttempts) return { done: false, failed: true, error };
    const delays = options.retryDelaysMs;
    const delay = delays[Math.min(job.attempts, delays.length - 1)] ?? 30_000;
    return { done: false, retryAt: clock.now() + delay, error };
  };
}
