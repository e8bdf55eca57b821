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
import type { HttpCarrierConfig } from './config.js';
import { configSecrets } from './config-secrets.js';
import { bodyContext, defaultContentType, expandHeader, expandTemplate, usesMediaUrls } from './template.js';

export type { HttpCarrierConfig } from './config.js';

// The key table (`config.ts`) checked the method, the URL, the refusal kinds and that every regex
// compiles, when the configuration was read.
const compile = (pattern: string): RegExp => new RegExp(pattern, 'i');

/** The checked config turned into matchers. */
function prepare(cfg: HttpCarrierConfig) {
  const permStatus = new Map<number, RefusalKind>();
  const permPattern: Array<[RegExp, RefusalKind]> = [];
  for (const [key, kind] of Object.entries(cfg.permanent ?? {})) {
    if (/^\d{3}$/.test(key)) permStatus.set(Number(key), kind);
    else permPattern.push([compile(key), kind]);
  }
  const s = cfg.success ?? {};
  const t = cfg.transient ?? {};
  return {
    okStatus: s.status ? new Set(s.status) : undefined,
    okPattern: s.pattern === undefined ? undefined : compile(s.pattern),
    transientStatus: t.statuses ? new Set(t.statuses) : undefined,
    transientPattern: t.pattern === undefined ? undefined : compile(t.pattern),
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
    timeoutMs: cfg.timeoutMs,
    ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
    connections: cfg.connections,
    secrets: configSecrets(cfg),
    // A template that places the files' URLs makes this carrier an MMS carrier.
    mms: [cfg.url, cfg.body, ...headerTemplates.map(([, v]) => v)].some(usesMediaUrls),
    build(msg) {
      const headers: Record<string, string> = {};
      for (const [k, v] of headerTemplates) headers[k] = expandHeader(v, msg, cfg.headerEncoding);
      if (contentType && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) {
        headers['content-type'] = contentType;
      }
      const req = { method: cfg.method, url: expandTemplate(cfg.url, msg, 'url'), headers };
      return cfg.body !== undefined && ctx ? { ...req, body: expandTemplate(cfg.body, msg, ctx) } : req;
    },
    classify,
  });
}
