/**
 * The one HTTP round trip every HTTP carrier shares: build a request, send it over a pooled keep-alive
 * connection, read the answer, let the carrier classify it. Network trouble becomes a retryable outcome
 * here, so carrier files only decide what an *answer* means (outcomes are values; only bugs throw).
 *
 * Why undici and not global fetch or node:http: undici's `request()` skips the WHATWG stream layer that
 * `fetch` adds on every call, pools keep-alive connections per origin in one `Agent`, and takes
 * per-request `headersTimeout`/`bodyTimeout` on its own coarse timer wheel, so 3,000+ msg/s do not cost
 * a `setTimeout` or an `AbortSignal.any` each (AbortSignal.any leaks listeners on Node 20 under load).
 */
import { Agent, type Dispatcher, request } from 'undici';
import type { CarrierAdapter, OutboundSms, SendOutcome } from '../../app/ports.js';
import { maskCredentials, shortText } from '../../domain/redact.js';

/** A request as a carrier builds it. Headers may hold secrets: never log this object. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** A carrier's answer, body read as text (carrier answers are small JSON/form/text documents). */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** What a carrier file provides to become a `CarrierAdapter`. */
export interface HttpAdapterSpec {
  name: string;
  /** Time allowed for the answer's headers, and again for its body. */
  timeoutMs: number;
  build(msg: OutboundSms): HttpRequest;
  classify(answer: HttpAnswer): SendOutcome;
  /** Shared connection pool; when absent the adapter owns one and closes it in `close()`. */
  dispatcher?: Dispatcher;
  /** Connections per origin for an owned pool (default 64: enough for ≥3,000 msg/s on loopback). */
  connections?: number;
  /**
   * Values of this carrier's configuration never to be shown (keys, tokens, passwords, header
   * values): masked in every reason, since a carrier's error answer may quote the request it got.
   */
  secrets?: readonly string[];
  /** The request carries `mediaUrls` (the carrier sends MMS). */
  mms?: boolean;
}

/** Biggest answer body read; anything longer is cut (a carrier's JSON answer is a few hundred bytes). */
const MAX_ANSWER_BYTES = 64 * 1024;

/** HTTP Basic credentials (RFC 7617): the `Authorization` value for `user` and `password`. */
export const basicAuth = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;

/** A keep-alive connection pool for one gateway (a carrier, the push service). */
export function makePool(connections = 64): Agent {
  return new Agent({ connections, keepAliveTimeout: 10_000, pipelining: 1 });
}

/**
 * One round trip: the answer, or the short secret-free reason it could not be had (network trouble,
 * a timeout, `signal` aborted). `timeoutMs` bounds the wait for the headers and again for the body.
 */
export async function roundTrip(
  req: HttpRequest,
  opts: { dispatcher: Dispatcher; signal: AbortSignal; timeoutMs: number },
): Promise<{ ok: true; answer: HttpAnswer } | { ok: false; reason: string; invalid?: true }> {
  try {
    const res = await request(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body ?? null,
      dispatcher: opts.dispatcher,
      signal: opts.signal,
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
    });
    return {
      ok: true,
      answer: { status: res.statusCode, headers: res.headers, text: await readCapped(res.body) },
    };
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code;
    if (code === 'UND_ERR_INVALID_ARG' || code === 'ERR_INVALID_URL' || code === 'ERR_INVALID_ARG_VALUE') {
      // The message says which argument (`invalid x-text header`), never its value.
      const what = code === 'ERR_INVALID_URL' ? 'invalid URL' : (err as Error).message.slice(0, 100);
      return { ok: false, reason: what, invalid: true };
    }
    return { ok: false, reason: networkReason(err) };
  }
}

/** A header value undici sends (RFC 9110 §5.5: visible ASCII, obs-text, space, tab). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** A header name (RFC 9110 §5.6.2 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * The carrier's request for `msg`, checked before it is sent: a template that expands into an
 * invalid URL or header is the configuration's fault, named by its key, and never reaches the network
 * layer, where it would look like network trouble and be retried.
 */
function buildRequest(spec: HttpAdapterSpec, msg: OutboundSms): HttpRequest | { key: string; why: string } {
  let req: HttpRequest;
  try {
    req = spec.build(msg);
  } catch {
    return { key: 'the request', why: 'could not be built from the configuration' };
  }
  try {
    if (!/^https?:$/.test(new URL(req.url).protocol)) return { key: 'url', why: 'is not an http(s) URL' };
  } catch {
    return { key: 'url', why: 'expands to an invalid URL' };
  }
  for (const [name, value] of Object.entries(req.headers)) {
    const key = `headers[${JSON.stringify(name)}]`;
    if (!HEADER_NAME.test(name)) return { key, why: 'is not a valid header name' };
    if (!HEADER_VALUE.test(value)) return { key, why: 'expands to a value a header cannot carry' };
  }
  return req;
}

/** A permanent refusal caused by the carrier's own configuration: the phone is told no more. */
export function configFailure(key: string, why: string): SendOutcome {
  return {
    ok: false,
    retryable: false,
    kind: 'rejected',
    reason: 'The carrier is misconfigured',
    detail: `carrier configuration error: ${key} ${why}`,
    configKey: key,
  };
}

/** Build a `CarrierAdapter` from a request builder and an answer classifier. */
export function makeHttpAdapter(spec: HttpAdapterSpec): CarrierAdapter {
  const owned = spec.dispatcher ? undefined : makePool(spec.connections);
  const dispatcher: Dispatcher = spec.dispatcher ?? owned!;
  const secrets = spec.secrets ?? [];
  return {
    name: spec.name,
    ...(spec.mms ? { mms: true } : {}),
    async send(msg, signal) {
      if (signal.aborted) return { ok: false, retryable: true, reason: 'aborted before sending' };
      const req = buildRequest(spec, msg);
      if ('key' in req) return masked(configFailure(req.key, req.why), secrets);
      const r = await roundTrip(req, { dispatcher, signal, timeoutMs: spec.timeoutMs });
      if (r.ok) return masked(spec.classify(r.answer), secrets);
      // undici refusing what we asked for is our configuration's fault, not the network's.
      if (r.invalid) return masked(configFailure('the request', r.reason), secrets);
      return { ok: false, retryable: true, reason: r.reason };
    },
    async close() {
      await owned?.close();
    },
  };
}

/**
 * A failure as the phone and the operator may see it: `reason` short with every secret masked,
 * `detail` (when longer) the carrier's full words, masked too.
 */
export function masked(out: SendOutcome, secrets: readonly string[]): SendOutcome {
  if (out.ok) return out;
  const detail = maskCredentials(out.detail ?? out.reason, secrets);
  const reason = shortText(maskCredentials(out.reason, secrets));
  return { ...out, reason, ...(detail !== reason ? { detail } : {}) };
}

async function readCapped(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size < MAX_ANSWER_BYTES) chunks.push(chunk);
    size += chunk.length;
  }
  return Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8');
}

/**
 * A short, secret-free reason for a failed round trip. Error messages are not used as-is: some
 * clients put the request URL (with `api_password=` for VoIP.ms) in them.
 */
export function networkReason(err: unknown): string {
  const e = err as { name?: string; code?: string } | null;
  const code = e?.code ?? '';
  if (e?.name === 'AbortError' || code === 'UND_ERR_ABORTED') return 'aborted';
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return 'carrier timed out';
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return 'connect timed out';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return 'connection reset';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'carrier host not found';
  return code ? `network error ${code}` : 'network error';
}
