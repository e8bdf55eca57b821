/**
 * The one place that turns an error into an HTTP status and the `message` the app shows
 * (matrix2acrobits keeps this map in one place too).
 */
import type { SmsErrorCode } from '../errors.js';
import { SmsError } from '../errors.js';

const STATUS: Record<SmsErrorCode, number> = {
  SMS_ERR_BAD_REQUEST: 400,
  SMS_ERR_EMPTY_BODY: 400,
  SMS_ERR_UNAUTHORIZED: 401,
  SMS_ERR_NO_CREDIT: 402, // Acrobits' own example (send_message.html): 402 "Not enough credit"
  SMS_ERR_FORBIDDEN: 403,
  SMS_ERR_BLOCKED: 403,
  SMS_ERR_NOT_FOUND: 404,
  SMS_ERR_METHOD: 405,
  SMS_ERR_INVALID_RECIPIENT: 406, // Acrobits' own example (send_message.html): 406 "Invalid recipient"
  SMS_ERR_NO_ROUTE: 406,
  SMS_ERR_CONFLICT: 409,
  SMS_ERR_GONE: 410,
  SMS_ERR_TOO_LARGE: 413,
  SMS_ERR_UNSUPPORTED_TYPE: 415,
  SMS_ERR_MEDIA_INVALID: 422, // an attachment failed its hash or its decryption
  SMS_ERR_THROTTLED: 429,
  SMS_ERR_INTERNAL: 500,
  SMS_ERR_MEDIA_UNREACHABLE: 502, // an attachment's content-url could not be downloaded
  SMS_ERR_REJECTED: 502, // the carrier (upstream) refused the message for good
  SMS_ERR_UNAVAILABLE: 503,
  SMS_ERR_STORE_UNAVAILABLE: 503, // the store cannot write: try again later, nothing was stored
};

export interface MappedError {
  status: number;
  message: string;
  /** True for failures that are ours (5xx): log them with their stack. */
  internal: boolean;
}

/** Fastify's own errors carry a statusCode; these are the sentences we show for them instead. */
const FRAMEWORK_MESSAGES: Record<number, string> = {
  400: 'Bad request',
  404: 'Not found',
  405: 'Method not allowed',
  408: 'Request timed out',
  413: 'Request is too large',
  414: 'Request URL is too long',
  415: 'Unsupported content type',
  431: 'Request headers are too large',
};

export function mapError(err: unknown): MappedError {
  if (err instanceof SmsError) {
    const status = STATUS[err.code];
    return { status, message: err.message, internal: status >= 500 && err.code === 'SMS_ERR_INTERNAL' };
  }
  const statusCode = (err as { statusCode?: unknown } | null)?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return { status: statusCode, message: FRAMEWORK_MESSAGES[statusCode] ?? 'Bad request', internal: false };
  }
  return { status: 500, message: 'Internal error, please try again later', internal: true };
}
