/**
 * The app simulator: given an Account XML, a username and a password, it lints the XML, then plays
 * each configured web service as the app would (templates filled by protocol/acrobits/templates.ts,
 * one request each) and reports what the phone would show. It calls whatever URL the XML names, so it
 * checks a provider's own service as well as textbridge; `url` sends every request to another origin
 * (a textbridge on loopback for an XML that names the public one) while the templates, and what the
 * app hides over plain http, still follow the XML's own URLs.
 */
import { randomBytes } from 'node:crypto';
import { accountXmlFragment, type TemplateStyle } from '../protocol/acrobits/account-xml.js';
import { displayedError } from '../protocol/acrobits/app-view.js';
import { type AppRequest, expandRequest, readServiceKeys } from '../protocol/acrobits/templates.js';
import { lintKeys, readAccountXml } from './lint.js';
import { APP_SERVICES, type AppService, type Session } from './services.js';

export interface DoctorOptions {
  /** The Account XML's text. */
  xml: string;
  username: string;
  password: string;
  /** Send every request to this origin (scheme, host, port) instead of the XML's. */
  url?: string;
  /** Recipient of the test message (and the Rate Checker's number); default: the account itself. */
  to?: string;
  text?: string;
  timeoutMs?: number;
}

/** One line of the report: `ok` true (✓), false (✗), or null (skipped: an optional service not set). */
export interface DoctorCheck {
  check: string;
  ok: boolean | null;
  detail: string;
  /** The request as sent (method and URL; the password never). */
  request?: string;
  status?: number;
  data?: unknown;
}

export interface DoctorReport {
  ok: boolean;
  checks: DoctorCheck[];
}

/** The Account XML textbridge generates for `baseUrl`, as a document (for `doctor --username`). */
export const generatedAccountXml = (baseUrl: string, style: TemplateStyle = 'json'): string =>
  `<account>\n${accountXmlFragment(baseUrl, style)}</account>\n`;

/** `url`'s origin replaced by `origin`'s; the path and query stay. */
function retarget(url: string, origin: string | undefined): string {
  if (!origin) return url;
  const u = new URL(url);
  const o = new URL(origin);
  return `${o.origin}${u.pathname}${u.search}`;
}

/** The request for a report line: the password (as sent, or percent-encoded) replaced by `***`. */
function shown(req: AppRequest, password: string): string {
  let url = req.url;
  for (const p of new Set([password, encodeURIComponent(password)])) if (p) url = url.split(p).join('***');
  return `${req.method} ${url}`;
}

async function call(
  s: AppService,
  req: AppRequest,
  o: DoctorOptions,
): Promise<Omit<DoctorCheck, 'check' | 'request'>> {
  let res: Response;
  try {
    res = await fetch(retarget(req.url, o.url), {
      method: req.method,
      headers: req.headers,
      ...(req.body === undefined ? {} : { body: req.body }),
      signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
      redirect: 'manual',
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    return { ok: false, detail: `no answer: ${cause?.code ?? cause?.message ?? (e as Error).message}` };
  }
  const body = await res.text();
  if (res.status < 200 || res.status > 299) {
    return {
      ok: false,
      status: res.status,
      detail: `HTTP ${res.status}, the phone shows "${displayedError(body)}"`,
    };
  }
  const r = s.read(body);
  return r.ok
    ? { ok: true, status: res.status, detail: r.shows, ...(r.data === undefined ? {} : { data: r.data }) }
    : { ok: false, status: res.status, detail: `HTTP ${res.status}, but ${r.problem}` };
}

/** Lint `o.xml`, then call each service in the order the app would use them. */
export async function runDoctor(o: DoctorOptions): Promise<DoctorReport> {
  const read = readAccountXml(o.xml);
  if (!('keys' in read))
    return { ok: false, checks: [{ check: read.check, ok: false, detail: read.problem }] };
  const checks: DoctorCheck[] = [{ check: 'XML', ok: true, detail: `${read.entries.length} elements` }];
  const findings = lintKeys(read.keys);
  for (const f of findings) checks.push({ check: f.check, ok: false, detail: f.problem });

  const session: Session = {
    username: o.username,
    password: o.password,
    to: o.to ?? o.username,
    text: o.text ?? 'textbridge doctor: a test message',
    installId: `textbridge-doctor-${randomBytes(4).toString('hex')}`,
    selector: `doctor-${randomBytes(4).toString('hex')}`,
  };
  const account = { 'account[username]': o.username, 'account[password]': o.password };
  for (const s of APP_SERVICES) {
    const svc = readServiceKeys(read.keys, s.prefixes);
    if (!svc) {
      checks.push({
        check: s.name,
        ok: s.required ? false : null,
        detail: `not configured (${s.prefixes[0]}Url)`,
      });
      continue;
    }
    let req: AppRequest;
    try {
      req = expandRequest(svc, { ...account, ...s.vars(session) }, s.masksPassword);
      new URL(req.url);
    } catch {
      checks.push({
        check: s.name,
        ok: false,
        detail: `${s.prefixes[0]}Url is not a URL: ${svc.url.slice(0, 100)}`,
      });
      continue;
    }
    checks.push({ check: s.name, request: shown(req, o.password), ...(await call(s, req, o)) });
  }
  return { ok: checks.every((c) => c.ok !== false), checks };
}

/** The report for people: one line per check, ✓ or ✗ (– for a skipped optional service). */
export function formatReport(r: DoctorReport): string {
  const lines = r.checks.flatMap((c) => {
    const line = `${c.ok === null ? '–' : c.ok ? '✓' : '✗'} ${c.check}: ${c.detail}`;
    const f = c.data as { received?: Array<{ smsId: string; peer: string; text: string }> } | undefined;
    const messages = (f?.received ?? [])
      .slice(-5)
      .map((m) => `    ${m.smsId} from ${m.peer}: ${JSON.stringify(m.text.slice(0, 60))}`);
    return [line, ...messages];
  });
  lines.push(r.ok ? 'all checks passed' : `${r.checks.filter((c) => c.ok === false).length} problem(s)`);
  return `${lines.join('\n')}\n`;
}
