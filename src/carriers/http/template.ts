/**
 * Acrobits-style `%placeholder%` templates for carrier requests. Each value is encoded for where it
 * lands, so a message reading `a&b=c "quoted" 😀` cannot break out of a URL, form or JSON string, nor
 * out of a header value. Expansion is one pass: a body containing `%to%` stays literal text.
 */

import type { OutboundSms } from '../../app/ports.js';
import { encodeComponent, percentEncode } from '../../domain/text.js';

/** Where a template is used, which decides how values are escaped. */
export type TemplateContext = 'url' | 'form' | 'json' | 'header' | 'raw';

/**
 * Placeholder names: `%to%`, `%from%`, `%body%`, `%sms_id%`, `%to_digits%`, `%from_digits%`,
 * `%media_urls%`.
 */
export const PLACEHOLDERS = [
  'to',
  'from',
  'body',
  'sms_id',
  'to_digits',
  'from_digits',
  'media_urls',
] as const;

const PLACEHOLDER_RE = /%(to_digits|from_digits|sms_id|media_urls|body|from|to)%/g;

/** A template that sends a picture message's files: the carrier is then offered MMS. */
export const usesMediaUrls = (template: string | undefined): boolean =>
  template?.includes('%media_urls%') ?? false;

/**
 * Values for one message, before escaping. `_digits` drop a leading `+` for APIs wanting bare digits;
 * `media_urls` is a picture message's file URLs joined by commas (signed URLs hold no comma), empty for
 * a text message.
 */
export function templateValues(msg: OutboundSms): Record<(typeof PLACEHOLDERS)[number], string> {
  return {
    to: msg.to,
    from: msg.from,
    body: msg.body,
    sms_id: msg.smsId,
    to_digits: msg.to.replace(/^\+/, ''),
    from_digits: msg.from.replace(/^\+/, ''),
    media_urls: (msg.mediaUrls ?? []).join(','),
  };
}

/** How placeholder values are written in a header (the carrier's `headerEncoding`). */
export type HeaderEncoding = 'percent' | 'rfc8187';

/** What every recipient reads alike in a header value: visible ASCII, space, tab (RFC 9110 §5.5). */
const PLAIN_HEADER = /^[\t\x20-\x7e]*$/;

/**
 * A header template expanded for one message. `percent`: each placeholder's value is percent-encoded
 * (UTF-8, RFC 3986), always, so the receiver decodes it once whatever the text: a CR or LF cannot
 * start another header (RFC 9110 §5.5) and a character outside Latin-1, which undici refuses, cannot
 * make the request fail. `rfc8187`: values go in as they are and a header value that then holds
 * anything but visible ASCII is sent whole as `UTF-8''<percent-encoded>` (RFC 8187 §3.2.1).
 */
export function expandHeader(template: string, msg: OutboundSms, encoding: HeaderEncoding): string {
  if (encoding === 'percent') return expandTemplate(template, msg, 'header');
  const value = expandTemplate(template, msg, 'raw');
  return PLAIN_HEADER.test(value) ? value : `UTF-8''${percentEncode(value)}`;
}

/** Escape one value for its context. */
export function escapeValue(value: string, ctx: TemplateContext): string {
  switch (ctx) {
    case 'url':
    case 'form':
      return encodeComponent(value);
    case 'json':
      // JSON.stringify escapes quotes, backslashes and controls; drop the quotes it adds.
      return JSON.stringify(value).slice(1, -1);
    case 'header':
      return percentEncode(value);
    case 'raw':
      return value;
  }
}

/** Replace placeholders in `template` with the message's values escaped for `ctx`. */
export function expandTemplate(template: string, msg: OutboundSms, ctx: TemplateContext): string {
  const values = templateValues(msg);
  return template.replace(PLACEHOLDER_RE, (_m, name: keyof typeof values) => escapeValue(values[name], ctx));
}

/** Decide how a body template is escaped: by content type, else JSON when it looks like JSON. */
export function bodyContext(body: string, contentType: string | undefined): TemplateContext {
  const ct = contentType?.toLowerCase() ?? '';
  if (ct.includes('json')) return 'json';
  if (ct.includes('x-www-form-urlencoded')) return 'form';
  if (ct !== '') return 'raw';
  const t = body.trimStart();
  return t.startsWith('{') || t.startsWith('[') ? 'json' : 'form';
}

/** The content type to send when the config names none. */
export function defaultContentType(ctx: TemplateContext): string {
  return ctx === 'json' ? 'application/json' : 'application/x-www-form-urlencoded';
}
