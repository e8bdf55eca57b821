/**
 * The admin API from the page. The token lives in `sessionStorage` only: gone when the tab closes,
 * never in a cookie, so no other site's request can carry it
 * (https://developer.mozilla.org/en-US/docs/Web/API/Window/sessionStorage).
 */

const KEY = 'textbridge.adminToken';

export interface Session {
  token: string;
  name: string;
  readOnly: boolean;
}

/** A refusal or failure of the API, with its message for the operator. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

let session: Session | undefined;

export function current(): Session | undefined {
  return session;
}

export function storedToken(): string | null {
  return sessionStorage.getItem(KEY);
}

/** Check `token` with the API; remembered for this tab when it works. */
export async function signIn(token: string): Promise<Session> {
  const me = await call<{ name: string; readOnly: boolean }>('GET', '/whoami', undefined, token);
  sessionStorage.setItem(KEY, token);
  session = { token, ...me };
  return session;
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
  session = undefined;
}

/** Called when the API refuses the token (revoked meanwhile): the page goes back to sign-in. */
export let onUnauthorized: () => void = () => {};
export function whenUnauthorized(f: () => void): void {
  onUnauthorized = f;
}

/** One call; the answer's text, or an ApiError with the API's message. */
async function send(
  method: string,
  path: string,
  body?: BodyInit | object,
  token = session?.token,
  type = 'application/json',
): Promise<string> {
  const headers: Record<string, string> = {};
  if (token) headers['authorization'] = `Bearer ${token}`;
  let payload: BodyInit | undefined;
  if (body !== undefined) {
    headers['content-type'] = type;
    payload = type === 'application/json' ? JSON.stringify(body) : (body as BodyInit);
  }
  const res = await fetch(`/admin/v1${path}`, {
    method,
    headers,
    ...(payload === undefined ? {} : { body: payload }),
  });
  const text = await res.text();
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? message;
    } catch {}
    if (res.status === 401 && session) onUnauthorized();
    throw new ApiError(res.status, message);
  }
  return text;
}

async function call<T>(method: string, path: string, body?: object, token = session?.token): Promise<T> {
  const text = await send(method, path, body, token);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

export const api = {
  get: <T>(path: string) => call<T>('GET', path),
  post: <T>(path: string, body: object = {}) => call<T>('POST', path, body),
  patch: <T>(path: string, body: object) => call<T>('PATCH', path, body),
  del: <T>(path: string) => call<T>('DELETE', path),
  /** An upload whose answer is JSON lines (the account import). */
  upload: async (path: string, text: string, type: string): Promise<unknown[]> =>
    (await send('POST', path, text, session?.token, type))
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as unknown),
};

/** `?a=1&b=2` from the fields that are set. */
export function query(q: Record<string, string | number | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s === '' ? '' : `?${s}`;
}

/** Whether this token may change anything: a read-only one sees the change controls disabled. */
export function canChange(): boolean {
  return session !== undefined && !session.readOnly;
}
