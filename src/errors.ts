/**
 * The catalogue of errors textbridge shows to people.
 *
 * Every failure a user or an operator can meet has a code here and a short human sentence, because the
 * Acrobits app shows the `message` of a non-2xx answer on the phone (send_message doc, "Response").
 * No HTTP status lives here: only `http/error-map.ts` maps a code to a status, so the domain and the
 * use-cases stay free of the web edge (fastify's coded errors, matrix2acrobits' single error map).
 */
export type SmsErrorCode =
  | 'SMS_ERR_BAD_REQUEST'
  | 'SMS_ERR_EMPTY_BODY'
  | 'SMS_ERR_UNAUTHORIZED'
  | 'SMS_ERR_NO_CREDIT'
  | 'SMS_ERR_INVALID_RECIPIENT'
  | 'SMS_ERR_NO_ROUTE'
  | 'SMS_ERR_BLOCKED'
  | 'SMS_ERR_REJECTED'
  | 'SMS_ERR_TOO_LARGE'
  | 'SMS_ERR_THROTTLED'
  | 'SMS_ERR_METHOD'
  | 'SMS_ERR_NOT_FOUND'
  | 'SMS_ERR_FORBIDDEN'
  | 'SMS_ERR_CONFLICT'
  | 'SMS_ERR_GONE'
  | 'SMS_ERR_UNSUPPORTED_TYPE'
  | 'SMS_ERR_MEDIA_UNREACHABLE'
  | 'SMS_ERR_MEDIA_INVALID'
  | 'SMS_ERR_UNAVAILABLE'
  | 'SMS_ERR_STORE_UNAVAILABLE'
  | 'SMS_ERR_INTERNAL';

/** A failure meant to be shown: `message` is short, human and free of internals. */
export class SmsError extends Error {
  override readonly name = 'SmsError';
  constructor(
    readonly code: SmsErrorCode,
    message: string,
    /** Extra facts for logs only (never shown to the user). */
    readonly detail?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new SmsError('SMS_ERR_BAD_REQUEST', message);
export const emptyBody = () => new SmsError('SMS_ERR_EMPTY_BODY', 'Message text is empty');
export const unauthorized = (message = 'Wrong username or password') =>
  new SmsError('SMS_ERR_UNAUTHORIZED', message);
export const notEnoughCredit = () => new SmsError('SMS_ERR_NO_CREDIT', 'Not enough credit');
/** Acrobits' own wording (https://doc.acrobits.net/api/client/send_message.html): `{"message": "Invalid recipient"}` with 406. */
export const invalidRecipient = () => new SmsError('SMS_ERR_INVALID_RECIPIENT', 'Invalid recipient');
export const noRoute = (to: string) => new SmsError('SMS_ERR_NO_ROUTE', `No route to ${to}`);
export const blocked = (reason: string) => new SmsError('SMS_ERR_BLOCKED', reason);
export const rejected = (reason: string) => new SmsError('SMS_ERR_REJECTED', reason);
export const tooLarge = (message = 'Message is too long') => new SmsError('SMS_ERR_TOO_LARGE', message);
export const throttled = (message = 'Too many failed attempts, try again later') =>
  new SmsError('SMS_ERR_THROTTLED', message);
/** Over `limits.sendPerMinute` (counted across instances in the database). */
export const tooManyMessages = () =>
  new SmsError('SMS_ERR_THROTTLED', 'Too many messages, try again in a minute');
export const methodNotAllowed = (method: string) =>
  new SmsError('SMS_ERR_METHOD', `Method ${method} is not allowed here`);
export const notFound = (message = 'Not found') => new SmsError('SMS_ERR_NOT_FOUND', message);
export const forbidden = (message: string) => new SmsError('SMS_ERR_FORBIDDEN', message);
export const conflict = (message: string) => new SmsError('SMS_ERR_CONFLICT', message);
/** Something that existed and has expired for good (a media URL past its expiry). */
export const gone = (message: string) => new SmsError('SMS_ERR_GONE', message);
/** A file of a type this server does not accept (`media.allowedTypes`). */
export const unsupportedType = (message: string) => new SmsError('SMS_ERR_UNSUPPORTED_TYPE', message);
/** A picture message's attachment could not be downloaded from where the app stored it. */
export const mediaUnreachable = (message: string) => new SmsError('SMS_ERR_MEDIA_UNREACHABLE', message);
/** An attachment that downloaded but is not what it says: wrong hash, or it does not decrypt. */
export const mediaInvalid = (message: string) => new SmsError('SMS_ERR_MEDIA_INVALID', message);
export const unavailable = (message = 'Service is starting, try again shortly') =>
  new SmsError('SMS_ERR_UNAVAILABLE', message);
/**
 * The store cannot write (disk full, I/O error, database unreachable): nothing was stored, so nothing
 * is acknowledged. `detail.cause` names the fault for the log; the phone gets only the sentence.
 */
export const storeUnavailable = (
  detail?: Record<string, unknown>,
  message = 'Service temporarily unavailable, message not sent',
) => new SmsError('SMS_ERR_STORE_UNAVAILABLE', message, detail);
