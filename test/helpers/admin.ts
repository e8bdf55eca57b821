/** The admin API from a test: tokens made as `textbridge admin token create` makes them, and JSON calls. */
import type { Config } from '../../src/config/index.js';
import { openAdmin } from '../../src/main/index.js';

/** Make an admin token over the store (no server involved), as the CLI does; the token. */
export async function adminToken(config: Config, name: string, readOnly = false): Promise<string> {
  const admin = await openAdmin(config);
  try {
    return (await admin.tokens.create(name, readOnly)).token;
  } finally {
    await admin.close();
  }
}

export interface AdminAnswer {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the route answered
  body: any;
}

/** One admin call: `token` as a bearer token (none when undefined), `body` as JSON when given. */
export async function adminCall(
  base: string,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<AdminAnswer> {
  const res = await fetch(`${base}/admin/v1${path}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}
