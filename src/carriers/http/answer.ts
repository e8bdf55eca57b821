/**
 * Reading carrier answers: JSON that may not be JSON, dot paths, and the carrier's own words for a
 * refusal. The adapter (`client.ts`) masks them: the full words go to `last_error`, a short masked
 * reason may reach the phone (the user is told the truth, never a secret).
 */
import type { RefusalKind, SendOutcome } from '../../app/ports.js';
import type { HttpAnswer } from './client.js';

/** Parse a body as JSON, or `undefined` when it is not JSON (HTML error pages, plain text). */
export function parseJson(text: string): unknown {
  const t = text.trimStart();
  if (!t.startsWith('{') && !t.startsWith('[')) return undefined;
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
}

/** Value at a dot path (`data.id`, `messages.0.message-id`), or `undefined`. */
export function getPath(value: unknown, path: string): unknown {
  let cur: unknown = value;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

const REASON_KEYS = ['message', 'error', 'detail', 'title', 'error_message', 'error-text', 'status'];

/** The first human string under `message`/`error`/`detail`/`title`… found breadth-first, if any. */
export function findReason(json: unknown): string | undefined {
  const queue: unknown[] = [json];
  for (let i = 0; i < queue.length && i < 50; i++) {
    const cur = queue[i];
    if (Array.isArray(cur)) queue.push(...cur);
    else if (cur !== null && typeof cur === 'object') {
      const rec = cur as Record<string, unknown>;
      for (const k of REASON_KEYS) {
        const v = rec[k];
        if (typeof v === 'string' && v.trim() !== '') return v.trim();
      }
      queue.push(...Object.values(rec));
    }
  }
  return undefined;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
  425: 'Too Early',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** `HTTP 400: <carrier's words>`, cut to 1,000 characters; falls back to the status text. */
export function answerReason(answer: HttpAnswer, json: unknown = parseJson(answer.text)): string {
  const words = findReason(json) ?? plainText(answer.text) ?? STATUS_TEXT[answer.status] ?? 'error';
  return `HTTP ${answer.status}: ${words}`.slice(0, 1_000);
}

function plainText(text: string): string | undefined {
  const t = text.trim();
  // A non-HTML body is usually the carrier's sentence; an HTML page is noise.
  return t !== '' && t.length <= 1_000 && !t.startsWith('<') && !t.startsWith('{') ? t : undefined;
}

/** Statuses worth retrying unless a carrier says otherwise (RFC 9110 §15.5.9, §15.6; RFC 6585 §4). */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** Wording that means "this number is wrong" in most carriers' 400 answers. */
const INVALID_NUMBER =
  /invalid[^a-z]{0,3}(?:[a-z'"]+[^a-z]{0,3}){0,3}(?:number|recipient|destination|msisdn|to\b|dst)/i;

/** Default refusal kind for a non-2xx status whose body no carrier rule matched. */
export function defaultKind(status: number, text: string): RefusalKind {
  if (status === 403) return 'blocked';
  if (status === 404) return 'no_route';
  if ((status === 400 || status === 422) && INVALID_NUMBER.test(text)) return 'invalid_recipient';
  return 'rejected';
}

/** Shorthands so carrier files read as tables. */
export const retry = (reason: string): SendOutcome => ({ ok: false, retryable: true, reason });
/** A permanent refusal with its kind. */
export const refuse = (kind: RefusalKind, reason: string): SendOutcome => ({
  ok: false,
  retryable: false,
  reason,
  kind,
});
/** Accepted, with the carrier's id(s). */
export const accepted = (...carrierRefs: string[]): SendOutcome => ({ ok: true, carrierRefs });

/** Turn an unknown value into a string id, or `''`. */
export function idString(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
}

/** First value of a header (undici gives arrays for repeated headers). */
export function header(answer: HttpAnswer, name: string): string | undefined {
  const v = answer.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
