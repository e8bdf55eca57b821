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
}

/** Biggest answer body read; anything longer is cut (a carrier's JSON answer is a few hundred bytes). */
const MAX_ANSWER_BYTES = 64 * 1024;

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
): Promise<{ ok: true; answer: HttpAnswer } | { ok: false; reason: string }> {
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
    return { ok: false, reason: networkReason(err) };
  }
}

/** Build a `CarrierAdapter` from a request builder and an answer classifier. */
export function makeHttpAdapter(spec: HttpAdapterSpec): CarrierAdapter {
  const owned = spec.dispatcher ? undefined : makePool(spec.connections);
  const dispatcher: Dispatcher = spec.dispatcher ?? owned!;
  const secrets = spec.secrets ?? [];
  return {
    name: spec.name,
    async send(msg, signal) {
      if (signal.aborted) return { ok: false, retryable: true, reason: 'aborted before sending' };
      const r = await roundTrip(spec.build(msg), { dispatcher, signal, timeoutMs: spec.timeoutMs });
      return masked(
        r.ok ? spec.classify(r.answer) : { ok: false, retryable: true, reason: r.reason },
        secrets,
      );
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
