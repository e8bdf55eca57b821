/**
 * A carrier described by configuration alone, the way Acrobits' own web-service templates are: a URL,
 * headers and body with `%placeholders%`, and rules that say what success, a transient failure and a
 * permanent refusal look like. Any SMS HTTP API that answers one request per message fits.
 */
import type { Dispatcher } from 'undici';
import type { CarrierAdapter, RefusalKind } from '../../app/ports.js';
import {
  accepted,
  answerReason,
  defaultKind,
  getPath,
  header,
  idString,
  isTransientStatus,
  parseJson,
  refuse,
  retry,
} from './answer.js';
import { type HttpAnswer, makeHttpAdapter } from './client.js';
import { bodyContext, defaultContentType, expandTemplate } from './template.js';

/** Configuration of a templated HTTP carrier. Secrets sit in `url`/`headers`/`body`; never log it. */
export interface HttpCarrierConfig {
  name: string;
  method: 'GET' | 'POST' | 'PUT';
  /** URL template; values are URL-encoded. */
  url: string;
  /** Header templates (e.g. `Authorization`); values go in raw with CR/LF stripped. */
  headers?: Record<string, string>;
  /** Body template; JSON-escaped in a JSON body, URL-encoded in a form body. */
  body?: string;
  /** Content-Type to send; when absent it is guessed from the body (`{`/`[` → JSON, else form). */
  contentType?: string;
  /** What success looks like; all given rules must hold. */
  success?: {
    /** Accepted statuses (default: any 2xx). */
    status?: number[];
    /** Dot path into the JSON answer that must exist (and equal `equals` when given). */
    jsonField?: string;
    equals?: string | number | boolean;
    /** Regex the raw answer must match. */
    pattern?: string;
  };
  /** Dot path to the carrier's message id in the JSON answer (else the `Location` header, else ''). */
  messageId?: string;
  /** What a transient failure looks like (default statuses: 408, 425, 429, 5xx). */
  transient?: { statuses?: number[]; pattern?: string };
  /**
   * Refusal kinds: keys made of digits are statuses (`"404": "no_route"`), other keys are regexes
   * tried on the answer (`"unsubscribed": "blocked"`). Patterns win over statuses; unmatched
   * failures use `defaultKind` (400/422 rejected or invalid_recipient, 403 blocked, 404 no_route).
   */
  permanent?: Record<string, RefusalKind>;
  /** Per phase (headers, then body) time limit; default 10,000 ms. */
  timeoutMs?: number;
  /** This adapter never splits: the carrier receives the whole text. */
  split?: false;
  /** Connections per origin for this carrier's pool (default 64). */
  connections?: number;
}

const KINDS: readonly RefusalKind[] = ['invalid_recipient', 'blocked', 'no_route', 'rejected'];

function compile(pattern: string, key: string): RegExp {
  try {
    return new RegExp(pattern, 'i');
  } catch {
    throw new Error(`carrier config: ${key} is not a valid regular expression`);
  }
}

/** The config checked once and turned into matchers; throws naming the bad key (STYLE.md habit 4). */
function prepare(cfg: HttpCarrierConfig) {
  const where = `carriers.${cfg.name}`;
  if (!['GET', 'POST', 'PUT'].includes(cfg.method))
    throw new Error(`${where}.method must be GET, POST or PUT`);
  if (!/^https?:\/\//.test(cfg.url)) throw new Error(`${where}.url must start with http:// or https://`);
  const permStatus = new Map<number, RefusalKind>();
  const permPattern: Array<[RegExp, RefusalKind]> = [];
  for (const [key, kind] of Object.entries(cfg.permanent ?? {})) {
    if (!KINDS.includes(kind))
      throw new Error(`${where}.permanent["${key}"] must be one of ${KINDS.join(', ')}`);
    if (/^\d{3}$/.test(key)) permStatus.set(Number(key), kind);
    else permPattern.push([compile(key, `${where}.permanent["${key}"]`), kind]);
  }
  const s = cfg.success ?? {};
  const t = cfg.transient ?? {};
  return {
    okStatus: s.status ? new Set(s.status) : undefined,
    okPattern: s.pattern === undefined ? undefined : compile(s.pattern, `${where}.success.pattern`),
    transientStatus: t.statuses ? new Set(t.statuses) : undefined,
    transientPattern: t.pattern === undefined ? undefined : compile(t.pattern, `${where}.transient.pattern`),
    permStatus,
    permPattern,
  };
}

/** Build the adapter. `dispatcher` lets several carriers (or a test) share one connection pool. */
export function makeHttpGenericCarrier(
  cfg: HttpCarrierConfig,
  opts: { dispatcher?: Dispatcher } = {},
): CarrierAdapter {
  const rules = prepare(cfg);
  const ctx = cfg.body === undefined ? undefined : bodyContext(cfg.body, cfg.contentType);
  const contentType = cfg.contentType ?? (ctx ? defaultContentType(ctx) : undefined);
  const headerTemplates = Object.entries(cfg.headers ?? {});

  function classify(answer: HttpAnswer) {
    const json = parseJson(answer.text);
    if (rules.transientStatus?.has(answer.status) ?? isTransientStatus(answer.status)) {
      return retry(answerReason(answer, json));
    }
    if (isSuccess(answer, json)) {
      const id = cfg.messageId === undefined ? '' : idString(getPath(json, cfg.messageId));
      return accepted(id || (header(answer, 'location') ?? ''));
    }
    if (rules.transientPattern?.test(answer.text)) return retry(answerReason(answer, json));
    const reason = answerReason(answer, json);
    for (const [re, kind] of rules.permPattern) if (re.test(answer.text)) return refuse(kind, reason);
    return refuse(rules.permStatus.get(answer.status) ?? defaultKind(answer.status, answer.text), reason);
  }

  function isSuccess(answer: HttpAnswer, json: unknown): boolean {
    const statusOk = rules.okStatus
      ? rules.okStatus.has(answer.status)
      : answer.status >= 200 && answer.status < 300;
    if (!statusOk) return false;
    const s = cfg.success;
    if (s?.jsonField !== undefined) {
      const v = getPath(json, s.jsonField);
      if (v === undefined || v === null) return false;
      if (s.equals !== undefined && String(v) !== String(s.equals)) return false;
    }
    return !rules.okPattern || rules.okPattern.test(answer.text);
  }

  return makeHttpAdapter({
    name: cfg.name,
    timeoutMs: cfg.timeoutMs ?? 10_000,
    ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
    ...(cfg.connections ? { connections: cfg.connections } : {}),
    build(msg) {
      const headers: Record<string, string> = {};
      for (const [k, v] of headerTemplates) headers[k] = expandTemplate(v, msg, 'header');
      if (contentType && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) {
        headers['content-type'] = contentType;
      }
      const req = { method: cfg.method, url: expandTemplate(cfg.url, msg, 'url'), headers };
      return cfg.body !== undefined && ctx ? { ...req, body: expandTemplate(cfg.body, msg, ctx) } : req;
    },
    classify,
  });
}
