/**
 * Signed, expiring media URLs: `<base>/media/<id>?exp=<unix seconds>&sig=<base64url HMAC-SHA256>`. The
 * signature covers the id and the expiry (RFC 2104 HMAC), so a URL can be neither forged nor extended;
 * whoever holds it may download the file until it expires (the file-transfer format gives the phone no
 * way to authenticate its download: https://doc.acrobits.net/api/client/x-acro-filetransfer.html).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { forbidden, gone } from '../errors.js';

export interface MediaSigner {
  /** The URL of `id` under `base` (scheme, host, optional path), valid for `ttlSec` from `nowMs`. */
  url(base: string, id: string, nowMs: number, ttlSec: number): string;
  /** Throws `SMS_ERR_FORBIDDEN` for a bad signature, `SMS_ERR_GONE` for an expired one. */
  verify(id: string, exp: string | undefined, sig: string | undefined, nowMs: number): void;
}

/** A signer with `secret` (`media.secret`, or the one generated and kept in the database). */
export function makeMediaSigner(secret: string): MediaSigner {
  const mac = (id: string, exp: string) =>
    createHmac('sha256', secret).update(`${id}\n${exp}`).digest('base64url');
  return {
    url(base, id, nowMs, ttlSec) {
      const root = base.replace(/\/+$/, '');
      const exp = String(Math.floor(nowMs / 1000) + ttlSec);
      return `${root}/media/${encodeURIComponent(id)}?exp=${exp}&sig=${mac(id, exp)}`;
    },
    verify(id, exp, sig, nowMs) {
      if (!exp || !sig || !/^\d{1,12}$/.test(exp)) throw forbidden('Media URL is not signed');
      const want = Buffer.from(mac(id, exp));
      const got = Buffer.from(sig);
      if (got.length !== want.length || !timingSafeEqual(got, want)) {
        throw forbidden('Media URL signature is not valid');
      }
      if (Number(exp) * 1000 <= nowMs) throw gone('Media URL has expired');
    },
  };
}
