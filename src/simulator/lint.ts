/**
 * The Account XML mistakes that make messaging "not work" without the app saying why, found before any
 * request is sent: XML the app cannot parse (an unescaped `&`, named with its line and column), post
 * data without a content type (https://doc.acrobits.net/api/client/intro.html: it "should always be
 * set"), a POST without post data, a JSON body that is not JSON, Send Message's keys under one spelling
 * only, a push token reporter without an account removal reporter (tokens of a signed-out phone would
 * stay), plain http (the password travels in clear), and messaging not switched on.
 */
import { SmsError } from '../errors.js';
import { FORM, readServiceKeys } from '../protocol/acrobits/templates.js';
import { parseAccountXml, type XmlEntry } from '../protocol/acrobits/xml.js';
import { APP_SERVICES, type AppService } from './services.js';

/** One finding: which check, and what is wrong (people read it). */
export interface Finding {
  check: string;
  problem: string;
}

/** The keys of an Account XML, or the reason it cannot be read. */
export function readAccountXml(text: string): { keys: Map<string, string>; entries: XmlEntry[] } | Finding {
  try {
    const entries = parseAccountXml(text);
    return { keys: new Map(entries.map((e) => [e.key, e.value])), entries };
  } catch (e) {
    if (e instanceof SmsError) return { check: 'XML', problem: e.message };
    throw e;
  }
}

/** Send Message's body, content type and method are read under either prefix: set both alike. */
const SPELLINGS = ['PostData', 'ContentType', 'Method'] as const;

function lintService(keys: ReadonlyMap<string, string>, s: AppService): string[] {
  const svc = readServiceKeys(keys, s.prefixes);
  if (!svc) return [];
  const problems: string[] = [];
  const [prefix] = s.prefixes;
  if (!/^https?:\/\/[^/\s]+/i.test(svc.url)) problems.push(`${prefix}Url is not an http or https URL`);
  else if (/^http:/i.test(svc.url)) {
    problems.push(`${prefix}Url is plain http: the password travels in clear (use https)`);
  }
  const method = svc.method || (svc.postData ? 'POST' : 'GET');
  if (svc.postData && !svc.contentType) {
    problems.push(`${prefix}PostData is set without ${prefix}ContentType (the app then labels it ${FORM})`);
  }
  if ((method === 'POST' || method === 'PUT') && !svc.postData) {
    problems.push(`${prefix}Method is ${method} but there is no ${prefix}PostData`);
  }
  if (svc.postData && /json/i.test(svc.contentType)) {
    try {
      JSON.parse(svc.postData.replace(/%[^%\s"]+%/g, 'x'));
    } catch {
      problems.push(`${prefix}PostData is not JSON although ${prefix}ContentType says ${svc.contentType}`);
    }
  }
  if (s.prefixes.length > 1) {
    const [a, b] = s.prefixes as [string, string];
    for (const field of SPELLINGS) {
      const va = keys.get(`${a}${field}`)?.trim() ?? '';
      const vb = keys.get(`${b}${field}`)?.trim() ?? '';
      if (va !== vb) {
        problems.push(
          va && vb
            ? `${a}${field} and ${b}${field} differ (which one the app reads is not documented)`
            : `${va ? a : b}${field} is set but ${va ? b : a}${field} is not (set both spellings)`,
        );
      }
    }
  }
  return problems;
}

/** Every finding in an Account XML's keys, per service. */
export function lintKeys(keys: ReadonlyMap<string, string>): Finding[] {
  const findings: Finding[] = [];
  if (keys.get('allowMessage')?.trim() !== '1') {
    findings.push({ check: 'allowMessage', problem: 'allowMessage is not 1: the app keeps messaging off' });
  }
  for (const s of APP_SERVICES) {
    for (const problem of lintService(keys, s)) findings.push({ check: s.name, problem });
  }
  if (readServiceKeys(keys, ['pushTokenReporter']) && !readServiceKeys(keys, ['accountRemovalReporter'])) {
    findings.push({
      check: 'Account Removal Reporter',
      problem:
        'pushTokenReporterUrl is set without accountRemovalReporterUrl: a signed-out phone keeps getting pushes',
    });
  }
  return findings;
}
