/**
 * The GET of a picture message's attachment from where the app stored it (its `content-url`,
 * https://doc.acrobits.net/api/client/x-acro-filetransfer.html), on the carriers' undici client: the
 * body is handed on as a stream, never read whole. Redirects are not followed (the app's storage
 * answers the file itself); a non-2xx answer is a reason, its body thrown away.
 */
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { request } from 'undici';
import type { FetchMedia } from '../../app/mms-prepare.js';
import { makePool, networkReason } from './client.js';

/** A fetcher on its own pool (or `dispatcher`); `close` releases the pool it owns. */
export function makeFetchMedia(dispatcher?: Dispatcher): { fetch: FetchMedia; close(): Promise<void> } {
  const owned = dispatcher ? undefined : makePool(8);
  const pool: Dispatcher = dispatcher ?? owned!;
  const fetch: FetchMedia = async (url, { timeoutMs, signal }) => {
    try {
      const res = await request(url, {
        method: 'GET',
        dispatcher: pool,
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      if (res.statusCode < 200 || res.statusCode > 299) {
        await res.body.dump().catch(() => {});
        return { ok: false, reason: `HTTP ${res.statusCode}` };
      }
      const declared = Number(res.headers['content-length']);
      return {
        ok: true,
        body: res.body as unknown as Readable,
        ...(Number.isSafeInteger(declared) && declared >= 0 ? { length: declared } : {}),
      };
    } catch (err) {
      const reason = networkReason(err);
      return {
        ok: false,
        reason: reason === 'carrier timed out' ? 'timed out' : reason.replace('carrier ', ''),
      };
    }
  };
  return { fetch, close: async () => owned?.close() };
}
