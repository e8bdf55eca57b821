/**
 * The Acrobits push service (PNM) JSON gateway: `POST <url>` with the notification as JSON; the answer
 * is 2xx with `{"code": <int>, "response": "<text>"}`, code 200 when the push was taken and 404 for a
 * token it does not know (https://doc.acrobits.net/api/server/http_push.html). One version of that
 * documentation names the field `status` instead of `code`: either is read (`code` first), so a dead
 * token is always forgotten. Anything else (timeout, connection error, 5xx, another code) is a
 * transient failure.
 *
 * An outbound gateway like the HTTP carriers, on the same undici round trip (`../http/client.ts`):
 * a pooled keep-alive connection, and timeouts on undici's own timer wheel rather than `fetch` with
 * `AbortSignal.any`, which leaks listeners on Node 20 under load.
 */
import type { PushAnswer, PushGateway, PushNotification } from '../../app/push.js';
import { makePool, roundTrip } from '../http/client.js';

export interface PnmOptions {
  /** Default `https://pnm.cloudsoftphone.com/pnm2/send`. */
  url: string;
  timeoutMs: number;
}

export function makePnmGateway({ url, timeoutMs }: PnmOptions): PushGateway {
  const dispatcher = makePool(16);
  const headers = { 'content-type': 'application/json; charset=utf-8' };
  return {
    async send(n: PushNotification, signal: AbortSignal): Promise<PushAnswer> {
      const body = JSON.stringify(n);
      const r = await roundTrip({ method: 'POST', url, headers, body }, { dispatcher, signal, timeoutMs });
      if (!r.ok) return { ok: false, gone: false, reason: `push service unreachable: ${r.reason}` };
      const { status, text } = r.answer;
      let code: unknown;
      try {
        const reply = JSON.parse(text) as { code?: unknown; status?: unknown } | null;
        code = reply?.code ?? reply?.status;
      } catch {
        code = undefined;
      }
      const ok = status >= 200 && status < 300;
      if (ok && (code === 200 || code === '200')) return { ok: true };
      if (code === 404 || code === '404')
        return { ok: false, gone: true, reason: 'unknown device token (404)' };
      return { ok: false, gone: false, reason: `push service answered HTTP ${status} ${text.slice(0, 100)}` };
    },
    close: () => dispatcher.close(),
  };
}
