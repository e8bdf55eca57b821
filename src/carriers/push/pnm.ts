/**
 * The Acrobits push service (PNM) JSON gateway: `POST <url>` with the notification as JSON; the answer
 * is 2xx with `{"code": <int>, "response": "<text>"}`, code 200 when the push was taken and 404 for a
 * token it does not know (http_push doc; matrix2acrobits models/push.go, service/push.go; protocol
 * notes §5). Anything else (timeout, connection error, 5xx, another code) is a transient failure.
 */
import type { PushAnswer, PushGateway, PushNotification } from '../../app/push.js';

export interface PnmOptions {
  /** Default `https://pnm.cloudsoftphone.com/pnm2/send`. */
  url: string;
  timeoutMs: number;
}

export function makePnmGateway({ url, timeoutMs }: PnmOptions): PushGateway {
  return {
    async send(n: PushNotification, signal: AbortSignal): Promise<PushAnswer> {
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body: JSON.stringify(n),
          signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
        });
      } catch (e) {
        return { ok: false, gone: false, reason: `push service unreachable: ${(e as Error).message}` };
      }
      const text = await res.text().catch(() => '');
      let code: unknown;
      try {
        code = (JSON.parse(text) as { code?: unknown }).code;
      } catch {
        code = undefined;
      }
      if (res.ok && (code === 200 || code === '200')) return { ok: true };
      if (code === 404 || code === '404')
        return { ok: false, gone: true, reason: 'unknown device token (404)' };
      return {
        ok: false,
        gone: false,
        reason: `push service answered HTTP ${res.status} ${text.slice(0, 100)}`,
      };
    },
  };
}
