/**
 * AWS Signature Version 4 for S3 requests, as AWS documents it:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html and
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html. Signed headers are
 * `host`, `x-amz-content-sha256` (the payload's hex SHA-256) and `x-amz-date`: what every
 * S3-compatible server checks. S3 paths are encoded once (not twice, as other services do).
 */
import { createHash, createHmac } from 'node:crypto';

/** The keys of an S3-compatible account. `secretAccessKey` is a secret. */
export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

/** A request to sign: the full URL, its method, and the payload's hex SHA-256. */
export interface ToSign {
  method: string;
  url: URL;
  payloadSha256: string;
  /** Epoch ms of the signature. */
  now: number;
}

export const sha256Hex = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding of a URI component, as SigV4 requires (unreserved characters kept). */
export const uriEncode = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The headers to send with the request: `authorization`, `x-amz-date`, `x-amz-content-sha256`. */
export function signS3(c: S3Credentials, r: ToSign): Record<string, string> {
  const amzDate = new Date(r.now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${c.region}/s3/aws4_request`;
  // The path as sent: each segment already percent-encoded once by the caller.
  const query = [...r.url.searchParams]
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const headers: Array<[string, string]> = [
    ['host', r.url.host],
    ['x-amz-content-sha256', r.payloadSha256],
    ['x-amz-date', amzDate],
  ];
  const signedHeaders = headers.map(([k]) => k).join(';');
  const canonical = [
    r.method,
    r.url.pathname,
    query,
    headers.map(([k, v]) => `${k}:${v}\n`).join(''),
    signedHeaders,
    r.payloadSha256,
  ].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
  let key = hmac(`AWS4${c.secretAccessKey}`, day);
  for (const part of [c.region, 's3', 'aws4_request']) key = hmac(key, part);
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  return {
    authorization: `AWS4-HMAC-SHA256 Credential=${c.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    'x-amz-date': amzDate,
    'x-amz-content-sha256': r.payloadSha256,
  };
}
