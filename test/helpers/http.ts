/** Small HTTP clients for tests: real requests over loopback sockets. */
import assert from 'node:assert/strict';
import net from 'node:net';

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json(): unknown;
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}

/** GET with fields in the query string (URLSearchParams encodes like a form: space → +, + → %2B). */
export async function sendGet(
  base: string,
  fields: Record<string, string>,
  path = '/send_message',
): Promise<Answer> {
  return answer(await fetch(`${base}${path}?${new URLSearchParams(fields)}`));
}

export async function sendForm(
  base: string,
  fields: Record<string, string>,
  path = '/send_message',
  contentType = 'application/x-www-form-urlencoded',
): Promise<Answer> {
  return answer(
    await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: new URLSearchParams(fields).toString(),
    }),
  );
}

export async function sendJson(
  base: string,
  body: unknown,
  path = '/send_message',
  contentType = 'application/json',
  method = 'POST',
): Promise<Answer> {
  return answer(
    await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': contentType },
      body: JSON.stringify(body),
    }),
  );
}

/** What Send Message and Fetch Messages answer with 200, loosely typed for scenario tests. */
export interface AppAnswer {
  sms_id?: string;
  received_smss: Array<Record<string, unknown>>;
  sent_smss: Array<Record<string, unknown>>;
}

/** POST `body` as JSON to `path` (no Content-Type, as a bare template may send), assert 200, parse. */
export async function callOk(base: string, path: string, body: object): Promise<AppAnswer> {
  const res = await fetch(base + path, { method: 'POST', body: JSON.stringify(body) });
  assert.equal(res.status, 200, `${path} answered ${res.status}`);
  return (await res.json()) as AppAnswer;
}

/** Send raw bytes over a fresh TCP connection and read the whole answer (the server closes). */
export function rawRequest(
  base: string,
  request: string | Buffer,
): Promise<{ status: number; head: string; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => {
      const all = Buffer.concat(chunks).toString('utf8');
      const split = all.indexOf('\r\n\r\n');
      const head = split < 0 ? all : all.slice(0, split);
      resolve({ status: Number(head.split(' ')[1]), head, body: split < 0 ? '' : all.slice(split + 4) });
    });
    socket.write(request);
  });
}
