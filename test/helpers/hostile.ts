/**
 * Hostile HTTP requests, generated from a seed (mulberry32), so that a failing run can be repeated with
 * the seed it printed: random bytes, huge fields, NULs, lone surrogates, invalid UTF-8, deep JSON, wrong
 * types, arrays for strings, huge numbers, duplicated keys, odd Content-Types, long URLs, many headers.
 */

/** A seeded generator of floats in [0, 1) (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface HostileRequest {
  /** `RAW`: `body` is the whole request, written as it is to a new connection. */
  method: string;
  /** Path and query, already encoded as it goes on the wire. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** What the generator chose, for a failure's message. */
  what: string;
}

export const APP_ROUTES = ['/send_message', '/fetch_messages', '/push_token', '/account_removal'];
/** Credential fields: a hostile value there costs a password check (scrypt), so they are rarer. */
const CREDENTIALS = ['from', 'username', 'password', 'pass', 'cloud_password'];
const FIELDS = [
  'to',
  'body',
  'sms_body',
  'content_type',
  'disposition_notification',
  'selector',
  'pushToken',
  'pushappid',
  'last_id',
  'last_sent_id',
  'device',
];
const CONTENT_TYPES = [
  'application/json',
  'application/x-www-form-urlencoded',
  'text/plain',
  'multipart/form-data; boundary=x',
  '',
  '; charset=utf-8',
  'utf-8',
  'text/',
  'application/json; charset=utf-16',
  'application/xml',
  'x'.repeat(3000),
];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'];

export interface Known {
  /** Credentials that log in (so hostile fields reach past authentication). */
  username: string;
  password: string;
  /** Webhook paths (`/inbound/<name>`) configured. */
  webhooks: string[];
}

export function makeHostile(seed: number, known: Known) {
  const r = seeded(seed);
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;

  const text = (): string => {
    switch (int(12)) {
      case 0:
        return `x\u0000${int(100)}`;
      case 1:
        return `A\ud800B${int(100)}`;
      case 2:
        return '\udc00';
      case 3:
        return 'y'.repeat(int(200_000));
      case 4:
        return `+1555${String(int(1e7)).padStart(7, '0')}`;
      case 5:
        return `sip:${'u'.repeat(int(400))}@example.com`;
      case 6:
        return String.fromCharCode(...Array.from({ length: 1 + int(40) }, () => int(0x10000)));
      case 7:
        return '%last_known_sms_id%';
      case 8:
        return '\r\n\t\u0007\u001b[0m';
      case 9:
        return `${int(10)}`.repeat(1 + int(400));
      case 10:
        return '';
      default:
        return `ghost${int(1e6)}`;
    }
  };
  const value = (depth = 0): unknown => {
    switch (int(depth > 2 ? 3 : 8)) {
      case 0:
      case 1:
      case 2:
        return text();
      case 3:
        return pick([1e308, -1, 0, -0, 2 ** 64, 1.5, Number.MAX_SAFE_INTEGER + 2]);
      case 4:
        return [value(depth + 1), value(depth + 1)];
      case 5:
        return { [pick(FIELDS)]: value(depth + 1) };
      case 6:
        return pick([true, false, null]);
      default:
        return text();
    }
  };
  /** Credentials: mostly ones that log in, so the other fields are read too. */
  const creds = (): Record<string, unknown> => {
    switch (int(40)) {
      case 0:
        return {};
      case 1:
        return { [pick(CREDENTIALS)]: value(), [pick(CREDENTIALS)]: value() };
      case 2:
        return { from: `ghost${int(1e6)}`, password: 'wrong' };
      case 3:
        return { from: known.username, password: known.password, [pick(CREDENTIALS)]: value() };
      default:
        return { from: known.username, password: known.password };
    }
  };
  const fields = (): Record<string, unknown> => {
    const o: Record<string, unknown> = creds();
    for (let i = int(6); i > 0; i--) o[pick(FIELDS)] = value();
    return o;
  };
  const rawBody = (): { body: Buffer; kind: string } => {
    switch (int(9)) {
      case 0:
        return { body: Buffer.from(Array.from({ length: int(5000) }, () => int(256))), kind: 'random bytes' };
      case 1:
        return { body: Buffer.from(`${'['.repeat(5000 + int(50_000))}1`), kind: 'deep JSON' };
      case 2: {
        const c = creds();
        const dup = Object.entries(c)
          .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)
          .join(',');
        return {
          body: Buffer.from(
            `{${dup}${dup ? ',' : ''}"to":"+15550000009","to":${JSON.stringify(value())},"body":"a","body":"b"}`,
          ),
          kind: 'duplicated keys',
        };
      }
      case 3:
        // Invalid UTF-8 inside a JSON string.
        return {
          body: Buffer.concat([
            Buffer.from('{"from":"'),
            Buffer.from([0xff, 0xc3, 0x28, 0xed, 0xa0, 0x80]),
            Buffer.from('","to":"1"}'),
          ]),
          kind: 'invalid UTF-8 JSON',
        };
      case 4: {
        const pairs = Object.entries(fields()).map(([k, v]) => `${encodeKey(k)}=${encodeLoose(v)}`);
        if (r() < 0.3) pairs.push('to=%FF%FE', 'to=%C3%28', 'body=%ED%A0%80', '%=%%');
        return { body: Buffer.from(pairs.join('&')), kind: 'form' };
      }
      default:
        return { body: Buffer.from(JSON.stringify(fields())), kind: 'JSON' };
    }
  };
  const query = (): string => {
    if (r() < 0.5) return '';
    const o = fields();
    let q = Object.entries(o)
      .map(([k, v]) => `${encodeKey(k)}=${encodeLoose(v)}`)
      .join('&');
    if (r() < 0.1) q += `&pad=${'z'.repeat(int(200_000))}`;
    if (r() < 0.1) q += '&from=%00&to=%FF&body=%ED%A0%80&x=%';
    return `?${q}`;
  };

  /** A request that only a raw socket can send: broken framing, odd methods and versions, bytes. */
  const raw = (): Buffer => {
    const path = pick(APP_ROUTES);
    switch (int(10)) {
      case 0:
        return Buffer.from(Array.from({ length: 1 + int(3000) }, () => int(256)));
      case 1:
        return Buffer.from(`CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n`);
      case 2:
        return Buffer.from(
          `POST ${path} HTTP/1.1\r\nHost: x\r\nExpect: ${pick(['bogus', '100-continue'])}\r\nContent-Length: 2\r\n\r\n{}`,
        );
      case 3:
        return Buffer.from(
          `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
        );
      case 4:
        return Buffer.from(
          `POST ${path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${pick(['ZZ', 'ffffffffffffffffff', '-1'])}\r\nabc\r\n`,
        );
      case 5:
        return Buffer.from(`${pick(['get', 'BREW', 'G\u0000T', 'PRI'])} ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
      case 6:
        return Buffer.from(`GET ${path} HTTP/${pick(['0.9', '2.0', '1.2', '9'])}\r\nHost: x\r\n\r\n`);
      case 7:
        return Buffer.concat([
          Buffer.from(`GET ${path}?from=`),
          Buffer.from([0xff, 0x00, 0x80]),
          Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n'),
        ]);
      case 8:
        return Buffer.from(
          `GET ${path} HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\nContent-Length: ${pick(['abc', '-1', '99999999999999999999', '1, 2'])}\r\n\r\n`,
        );
      default:
        return Buffer.from(`GET http://evil.example${path}?from=a&password=b HTTP/1.1\r\nHost: x\r\n\r\n`);
    }
  };

  return (): HostileRequest => {
    if (r() < 0.08) {
      const body = raw();
      const line = body
        .subarray(0, 40)
        .toString('latin1')
        .replace(/[^\x20-\x7e]/g, '.');
      return { method: 'RAW', path: '', headers: {}, body, what: `raw ${JSON.stringify(line)}` };
    }
    const roll = int(20);
    let path: string;
    if (roll < 12) path = pick(APP_ROUTES);
    else if (roll < 16) path = pick(known.webhooks.length ? known.webhooks : ['/inbound/none']);
    else if (roll < 17) path = pick(['/livez', '/readyz', '/readyz?verbose']);
    else
      path = pick([
        '/',
        '/nope',
        `/${'a'.repeat(int(5000))}`,
        '/inbound/',
        '/inbound/ghost',
        '/send_message/x',
        '//send_message',
        '/%00',
        '/%FF',
      ]);
    const method = r() < 0.8 ? pick(['GET', 'POST', 'POST', 'PUT']) : pick(METHODS);
    const headers: Record<string, string> = {};
    let what = `${method} ${path.slice(0, 60)}`;
    if (r() < 0.8) headers['content-type'] = pick(CONTENT_TYPES);
    if (r() < 0.05) for (let i = 0; i < 300; i++) headers[`x-h-${i}`] = 'v'.repeat(int(100));
    if (r() < 0.1) headers['x-forwarded-for'] = `${int(256)}.${int(256)}.0.1, ${'f'.repeat(int(2000))}`;
    if (r() < 0.1) headers['x-signature'] = 'a'.repeat(int(300));
    let body: Buffer | undefined;
    if (method !== 'GET' && method !== 'HEAD') {
      const b = rawBody();
      body = b.body;
      what += ` ${b.kind} (${b.body.length} bytes)`;
    }
    const q = path.includes('?') ? '' : query();
    what += ` query ${q.length} chars, content-type ${JSON.stringify(headers['content-type']?.slice(0, 40))}`;
    return { method, path: path + q, headers, ...(body ? { body } : {}), what };
  };
}

function encodeKey(k: string): string {
  return encodeURIComponent(k);
}

/** Form/query encoding that lets lone surrogates through (as their CESU-8 bytes) and arrays as repeats. */
function encodeLoose(v: unknown): string {
  const s = typeof v === 'string' ? v : (JSON.stringify(v) ?? '');
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (c >= 0xd800 && c <= 0xdfff)
      out += `%ED%${(0xa0 | ((c >> 6) & 0x1f)).toString(16)}%${(0x80 | (c & 0x3f)).toString(16)}`;
    else out += encodeURIComponent(ch);
  }
  return out;
}
