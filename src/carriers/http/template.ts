/**
 * Acrobits-style `%placeholder%` templates for carrier requests. Each value is encoded for where it
 * lands, so a message reading `a&b=c "quoted" 😀` cannot break out of a URL, form or JSON string.
 * Expansion is one pass: a body containing `%to%` stays literal text.
 */
import type { OutboundSms } from '../../app/ports.js';

/** Where a template is used, which decides how values are escaped. */
export type TemplateContext = 'url' | 'form' | 'json' | 'header' | 'raw';

/** Placeholder names: `%to%`, `%from%`, `%body%`, `%sms_id%`, `%to_digits%`, `%from_digits%`. */
export const PLACEHOLDERS = ['to', 'from', 'body', 'sms_id', 'to_digits', 'from_digits'] as const;

const PLACEHOLDER_RE = /%(to_digits|from_digits|sms_id|body|from|to)%/g;

/** Values for one message, before escaping. `_digits` drop a leading `+` for APIs wanting bare digits. */
export function templateValues(msg: OutboundSms): Record<(typeof PLACEHOLDERS)[number], string> {
  return {
    to: msg.to,
    from: msg.from,
    body: msg.body,
    sms_id: msg.smsId,
    to_digits: msg.to.replace(/^\+/, ''),
    from_digits: msg.from.replace(/^\+/, ''),
  };
}

// encodeURIComponent throws on a lone surrogate; the text came from a phone and may hold one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escape one value for its context. */
export function escapeValue(value: string, ctx: TemplateContext): string {
  switch (ctx) {
    case 'url':
    case 'form':
      return encodeURIComponent(value.replace(LONE_SURROGATE, '\uFFFD'));
    case 'json':
      // JSON.stringify escapes quotes, backslashes and controls; drop the quotes it adds.
      return JSON.stringify(value).slice(1, -1);
    case 'header':
      // A CR or LF in a header value would let a message inject headers (RFC 9110 §5.5).
      return value.replace(/[\r\n\0]/g, '');
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
