/**
 * What the app shows of a service's answer. A non-2xx shows the answer's `message` (JSON
 * `{"message": …}` or XML `<response><message>…</message></response>`), or else the first 100
 * characters of the body (https://doc.acrobits.net/api/client/send_message.html, "Response"). A 2xx
 * is read per service: the `sms_id` of a send, the messages of a fetch, the `balanceString` of a
 * Balance Checker, the message rate of a Rate Checker, the contacts of Web Service Contacts; an answer
 * in XML is read the same way, one element per field.
 */
import { parseAccountXml } from './xml.js';

/** The answer's fields: a JSON object's, or an XML answer's flat elements; undefined when neither. */
export function answerFields(body: string): Record<string, unknown> | undefined {
  const text = body.trim();
  if (text.startsWith('{')) {
    try {
      const v: unknown = JSON.parse(text);
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }
  if (text.startsWith('<')) {
    try {
      return Object.fromEntries(parseAccountXml(text).map((e) => [e.key, e.value]));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;

/** The error text the app shows for a non-2xx answer. */
export function displayedError(body: string): string {
  const message = str(answerFields(body)?.['message']);
  return message ?? body.slice(0, 100);
}

/** A send's `sms_id`, if the answer has one. */
export const readSmsId = (body: string): string | undefined => str(answerFields(body)?.['sms_id']);

/** One fetched message, as the app lists it. */
export interface FetchedMessage {
  smsId: string;
  peer: string;
  text: string;
  date: string;
}

/** A fetch's received and sent messages; undefined when the answer is not a fetch answer. */
export function readFetched(
  body: string,
): { received: FetchedMessage[]; sent: FetchedMessage[] } | undefined {
  const f = answerFields(body);
  if (!f || !(Array.isArray(f['received_smss']) || Array.isArray(f['unread_smss']))) return undefined;
  const list = (v: unknown, peer: string): FetchedMessage[] =>
    (Array.isArray(v) ? v : []).map((m: Record<string, unknown>) => ({
      smsId: str(m['sms_id']) ?? '',
      peer: str(m[peer]) ?? '',
      text: str(m['sms_text']) ?? '',
      date: str(m['sending_date']) ?? '',
    }));
  return {
    received: list(f['received_smss'] ?? f['unread_smss'], 'sender'),
    sent: list(f['sent_smss'], 'recipient'),
  };
}

/**
 * The error flag of a Balance or Rate Checker's answer: 0 or missing is success
 * (https://hesk.acrobits.net/knowledgebase.php?article=76).
 */
const failed = (f: Record<string, unknown>) => {
  const e = str(f['error']);
  return e !== undefined && e !== '' && e !== '0';
};

/** The balance string the keypad shows; undefined when there is none or the answer says error. */
export function readBalance(body: string): string | undefined {
  const f = answerFields(body);
  return f && !failed(f) ? str(f['balanceString']) : undefined;
}

/** The message rate shown while a number is typed (the doctor types no on-net SIP URI). */
export function readRate(body: string): string | undefined {
  const f = answerFields(body);
  if (!f || failed(f)) return undefined;
  return str(f['messageRateString']) ?? str(f['rateString']) ?? str(f['smartMessageRateString']);
}

/** How many contacts a Web Service Contacts answer holds (an array, or `{"contacts": [...]}`). */
export function readContacts(body: string): number | undefined {
  try {
    const v: unknown = JSON.parse(body);
    if (Array.isArray(v)) return v.length;
    const c = (v as { contacts?: unknown } | null)?.contacts;
    return Array.isArray(c) ? c.length : undefined;
  } catch {
    return undefined;
  }
}
