/**
 * The Account XML that points the app at textbridge: one web service per messaging feature, each a
 * group of keys with a shared prefix (`<Prefix>Url`, `<Prefix>PostData`, `<Prefix>ContentType`;
 * https://doc.acrobits.net/api/client/intro.html), with `%…%` templates the app fills in.
 *
 * - Send Message's body and content type are written under both `genericSms…` (the send_message page)
 *   and `genericSmsSend…` (the prefix its URL key gives it); which one an app version reads is not
 *   documented, so both are set, with the same values.
 * - `allowMessage` switches messaging on (https://doc.acrobits.net/cloudsoftphone/account.html: it
 *   defaults to 0).
 * - Values are element text: `&` is written `&amp;` and `<` `&lt;`; quotes may stay.
 * - Three styles: `json` (a POST with a JSON body, the default: a value is JSON-escaped, so a `+` in a
 *   push token stays a `+`), `form` (a POST with a form body) and `get` (every field in the query).
 */

/** How the templates carry their fields. */
export const TEMPLATE_STYLES = ['json', 'form', 'get'] as const;
export type TemplateStyle = (typeof TEMPLATE_STYLES)[number];

/** One web service: its key prefixes (the first holds the URL), its path, its fields in order. */
export interface ServiceSpec {
  /** What the service is, for people. */
  name: string;
  prefix: string;
  /** A second prefix the app may read the same body and content type under. */
  alias?: string;
  path: string;
  fields: ReadonlyArray<readonly [field: string, template: string]>;
}

const CREDENTIALS = [
  ['username', '%account[username]%'],
  ['password', '%account[password]%'],
] as const;

/** Every service textbridge answers, in the order they are written. */
export const SERVICES: readonly ServiceSpec[] = [
  {
    name: 'Send Message',
    prefix: 'genericSmsSend',
    alias: 'genericSms',
    path: '/send_message',
    fields: [
      ['from', '%account[username]%'],
      ['password', '%account[password]%'],
      ['to', '%sms_to%'],
      ['body', '%sms_body%'],
      ['content_type', '%content_type%'],
      ['disposition_notification', '%disposition_notification%'],
    ],
  },
  {
    name: 'Fetch Messages',
    prefix: 'genericSmsFetch',
    path: '/fetch_messages',
    fields: [
      ...CREDENTIALS,
      ['last_id', '%last_known_sms_id%'],
      ['last_sent_id', '%last_known_sent_sms_id%'],
      ['device', '%installid%'],
    ],
  },
  {
    name: 'Push Token Reporter',
    prefix: 'pushTokenReporter',
    path: '/push_token',
    fields: [
      ...CREDENTIALS,
      ['selector', '%selector%'],
      ['token_calls', '%pushTokenIncomingCall%'],
      ['appid_calls', '%pushappid_incoming_call%'],
      ['token_msgs', '%pushTokenOther%'],
      ['appid_msgs', '%pushappid_other%'],
      ['device', '%installid%'],
    ],
  },
  {
    name: 'Account Removal Reporter',
    prefix: 'accountRemovalReporter',
    path: '/account_removal',
    fields: [
      ...CREDENTIALS,
      ['selector', '%selector%'],
      ['token_msgs', '%pushTokenOther%'],
      ['device', '%installid%'],
    ],
  },
  // https://doc.acrobits.net/api/client/balance_checker.html: no service-specific variables.
  { name: 'Balance Checker', prefix: 'genericBalanceCheck', path: '/balance', fields: CREDENTIALS },
  // https://doc.acrobits.net/api/client/rate_checker.html: the number being typed, and the SIP URI of an
  // on-net target (empty otherwise).
  {
    name: 'Rate Checker',
    prefix: 'genericRateCheck',
    path: '/rate',
    fields: [...CREDENTIALS, ['targetNumber', '%targetNumber%'], ['smartUri', '%smartUri%']],
  },
  // https://doc.acrobits.net/api/client/web_contacts.html
  { name: 'Web Service Contacts', prefix: 'wsContacts', path: '/contacts', fields: CREDENTIALS },
];

/** Element text: `&` and `<` escaped (and the `>` of a `]]>`, which XML does not allow in text). */
export const xmlText = (s: string): string =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll(']]>', ']]&gt;');

const element = (key: string, value: string) => `<${key}>${xmlText(value)}</${key}>`;

/** The URL, content type and body of one service in one style (unescaped). */
export function serviceTemplate(
  spec: ServiceSpec,
  baseUrl: string,
  style: TemplateStyle,
): { url: string; contentType?: string; postData?: string } {
  const url = `${baseUrl}${spec.path}`;
  // Templates are written as they are: `%…%` is not encoded here, the app fills it in.
  const pairs = spec.fields.map(([k, v]) => `${k}=${v}`).join('&');
  switch (style) {
    case 'get':
      return { url: `${url}?${pairs}` };
    case 'form':
      return { url, contentType: 'application/x-www-form-urlencoded', postData: pairs };
    case 'json':
      return {
        url,
        contentType: 'application/json',
        postData: `{${spec.fields.map(([k, v]) => `"${k}":"${v}"`).join(',')}}`,
      };
  }
}

/**
 * The Account XML fragment (one element a line, to be put inside `<account>`) that configures every
 * service for `baseUrl` (scheme, host and an optional path, no trailing slash).
 */
export function accountXmlFragment(baseUrl: string, style: TemplateStyle = 'json'): string {
  const lines = [element('allowMessage', '1')];
  for (const spec of SERVICES) {
    const t = serviceTemplate(spec, baseUrl, style);
    lines.push(element(`${spec.prefix}Url`, t.url));
    for (const prefix of spec.alias ? [spec.alias, spec.prefix] : [spec.prefix]) {
      if (t.contentType !== undefined) lines.push(element(`${prefix}ContentType`, t.contentType));
      if (t.postData !== undefined) lines.push(element(`${prefix}PostData`, t.postData));
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A whole `<account>` document, as external provisioning answers
 * (https://doc.acrobits.net/provisioning/external_provisioning.html): `extra` elements first (the
 * account's title and credentials), then the fragment.
 */
export function accountXmlDocument(
  fragment: string,
  extra: ReadonlyArray<readonly [string, string]>,
): string {
  const head = extra.map(([k, v]) => `  ${element(k, v)}\n`).join('');
  const body = fragment
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => `  ${l}\n`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<account>\n${head}${body}</account>\n`;
}
