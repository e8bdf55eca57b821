/**
 * Fetching a carrier's inbound MMS media with that carrier's credentials, bounded in size, time and
 * redirects. Twilio serves media only to its account (HTTP Basic with the Account SID and Auth Token:
 * https://www.twilio.com/docs/messaging/api/media-resource) and answers with a redirect to its CDN;
 * Telnyx's `media[].url` is pre-signed (https://developers.telnyx.com/docs/messaging/messages/receiving-webhooks),
 * as the generic carrier's must be. A redirect to another origin drops `Authorization` (undici's redirect
 * handler, as RFC 9110 section 15.4 advises), so the credentials never reach the CDN.
 */
import { type Dispatcher, interceptors, request } from 'undici';
import type { FetchedMedia, MediaFetcher } from '../../app/inbound-media.js';
import type { CarrierConfig } from '../config-tables.js';
import { basicAuth, makePool } from '../http/client.js';

/** How a carrier's media is fetched: the `Authorization` it needs, if any. */
export interface MediaCredentials {
  /** Carrier name → `Authorization` header value. */
  authorization: ReadonlyMap<string, string>;
}

export interface MediaFetcherOptions {
  /** Time for the answer's headers, and again between body chunks. */
  timeoutMs: number;
  /** Redirects followed (default 5). */
  maxRedirections?: number;
}

/** Answers worth another try later (RFC 9110: 408, 429 and server errors). */
const retryableStatus = (s: number) => s === 408 || s === 429 || s >= 500;

export function makeMediaFetcher(
  creds: MediaCredentials,
  opts: MediaFetcherOptions,
): MediaFetcher & { close(): Promise<void> } {
  const agent = makePool(8);
  const dispatcher: Dispatcher = agent.compose(
    interceptors.redirect({ maxRedirections: opts.maxRedirections ?? 5 }),
  );
  return {
    async fetch(carrier, url, { maxBytes, signal }): Promise<FetchedMedia> {
      if (!/^https?:\/\//i.test(url)) return { ok: false, retryable: false, reason: 'not an http(s) URL' };
      const auth = creds.authorization.get(carrier);
      let res: Dispatcher.ResponseData;
      try {
        res = await request(url, {
          method: 'GET',
          dispatcher,
          signal,
          headers: auth ? { authorization: auth } : {},
          headersTimeout: opts.timeoutMs,
          bodyTimeout: opts.timeoutMs,
        });
      } catch (err) {
        const code = (err as { code?: string }).code;
        return { ok: false, retryable: true, reason: `fetch failed (${code ?? (err as Error).name})` };
      }
      const drop = async (reason: string, retryable: boolean): Promise<FetchedMedia> => {
        // Read a little and let the connection go back to the pool (undici: dump()).
        await res.body.dump({ limit: 64 * 1024 }).catch(() => {});
        return { ok: false, retryable, reason };
      };
      if (res.statusCode < 200 || res.statusCode > 299) {
        return drop(`HTTP ${res.statusCode}`, retryableStatus(res.statusCode));
      }
      const length = Number(res.headers['content-length']);
      if (Number.isFinite(length) && length > maxBytes) {
        return drop(`too large: ${length} bytes, at most ${maxBytes}`, false);
      }
      const type = res.headers['content-type'];
      return {
        ok: true,
        stream: res.body,
        ...(typeof type === 'string' ? { contentType: type } : {}),
        ...(Number.isFinite(length) ? { size: length } : {}),
      };
    },
    close: () => agent.close(),
  };
}

/** The credentials each configured carrier's media needs: Twilio's Account SID and Auth Token. */
export function mediaCredentials(carriers: readonly CarrierConfig[]): MediaCredentials {
  const authorization = new Map<string, string>();
  for (const c of carriers) {
    if (c.type === 'twilio') authorization.set(c.name, basicAuth(c.accountSid, c.authToken));
  }
  return { authorization };
}
