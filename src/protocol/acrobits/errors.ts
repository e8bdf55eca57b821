/**
 * The error body the app reads: it shows the `message` field of a non-2xx answer, or the first 100
 * characters of the raw body (send_message doc, "Response"). JSON by default; XML as in the doc's own
 * example (`<response><message>Not enough credit</message></response>`) when asked for.
 */

/** `{"message": "..."}` */
export const jsonError = (message: string): string => JSON.stringify({ message });

/** `<response><message>...</message></response>` with XML escaping. */
export function xmlError(message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<response><message>${escapeXml(message)}</message></response>`;
}

/** Text for an XML element: `<`, `>`, `&` and quotes as character references. */
export const escapeXml = (text: string): string => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** True when an Accept header prefers XML to JSON (by q-value, then by order). */
export function prefersXml(accept: string | undefined): boolean {
  if (!accept) return false;
  let xml = -1;
  let json = -1;
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) || 0 : 1;
    if (type.endsWith('/xml') || type.endsWith('+xml')) xml = Math.max(xml, q);
    else if (type.endsWith('/json') || type.endsWith('+json')) json = Math.max(json, q);
  }
  return xml > 0 && xml > json;
}
