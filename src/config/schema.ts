/**
 * The whole configuration file as one schema: each section's schema, the carriers' key tables, and the
 * top-level keys. `scripts/config-schema.ts` writes it to `docs/config.schema.json` for editors.
 */
import { Type } from 'typebox';
import { CARRIER_TABLES } from '../carriers/config-tables.js';
import { Balance, Contacts, RateCheck } from './app-services.js';
import { Inbound } from './inbound.js';
import { Media } from './media.js';
import { Metrics } from './metrics.js';
import { Auth, Delivery, Limits, Log, Push, Rates, Recipients, Route, Server } from './sections.js';
import { Timeline } from './timeline.js';
import { WebhookDelivery, Webhooks } from './webhooks.js';

export const ConfigFile = Type.Object(
  {
    $schema: Type.Optional(
      Type.String({
        description: 'Where an editor finds this schema (`docs/config.schema.json`); not read.',
      }),
    ),
    server: Server,
    dataDir: Type.String({
      default: './data',
      description:
        'Folder of the embedded store `textbridge.db` (SQLite, WAL; every commit fdatasynced before it is acknowledged) (env `TEXTBRIDGE_DATA_DIR`, flag `--data-dir`).',
    }),
    databaseUrl: Type.String({
      pattern: '^(postgres(ql)?://.*)?$',
      hint: 'must start with postgres:// or be empty',
      default: '',
      secret: 'url',
      description:
        '`postgres://…` switches the store to PostgreSQL; empty = embedded SQLite in `dataDir` (env `DATABASE_URL`).',
    }),
    databasePoolSize: Type.Integer({
      minimum: 1,
      maximum: 1000,
      default: 20,
      description:
        "PostgreSQL connections each process keeps open (ignored on the embedded store); size the server's `max_connections` for every process (docs/deployment.md).",
    }),
    errorFormat: Type.Enum(['json', 'xml', 'auto'], {
      default: 'auto',
      description:
        'Error bodies: `{"message": …}`, or `<response><message>…</message></response>`; `auto` answers XML when the request\'s `Accept` prefers XML.',
    }),
    limits: Limits,
    rates: Type.Optional(Rates),
    recipients: Recipients,
    auth: Auth,
    log: Log,
    metrics: Metrics,
    push: Push,
    inbound: Inbound,
    balance: Balance,
    rateCheck: RateCheck,
    contacts: Contacts,
    delivery: Delivery,
    media: Media,
    timeline: Timeline,
    webhooks: Webhooks,
    webhookDelivery: WebhookDelivery,
    carriers: Type.Array(
      Type.Union([
        CARRIER_TABLES.http.schema,
        CARRIER_TABLES.smpp.schema,
        CARRIER_TABLES.twilio.schema,
        CARRIER_TABLES.telnyx.schema,
        CARRIER_TABLES.vonage.schema,
        CARRIER_TABLES.voipms.schema,
        CARRIER_TABLES.log.schema,
      ]),
      {
        default: [],
        envEverywhere: true,
        description:
          'The carriers, each with a unique `name` and a `type`; an `env:NAME` string anywhere in an entry is read from the environment.',
      },
    ),
    routes: Type.Array(Route, {
      default: [],
      description: 'Which carrier sends to whom: the first route whose prefixes and accounts match wins.',
    }),
  },
  { additionalProperties: false, noun: 'the configuration' },
);

/** The JSON Schema document for editors: keys with a default are not required there. */
export function configJsonSchema(): Record<string, unknown> {
  const doc = JSON.parse(JSON.stringify(ConfigFile, (_k, v: unknown) => optionalDefaults(v))) as Record<
    string,
    unknown
  >;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'textbridge configuration',
    ...doc,
  };
}

function optionalDefaults(v: unknown): unknown {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
  const o = v as Record<string, unknown> & { required?: string[]; properties?: Record<string, object> };
  if (!o.required || !o.properties) return v;
  const required = o.required.filter((k) => !(o.properties && 'default' in (o.properties[k] ?? {})));
  const { required: _drop, ...rest } = o;
  return required.length > 0 ? { ...rest, required } : rest;
}

/** One documented key: its dotted path, its type, its default and its meaning. */
export interface KeyRow {
  /** `server.port`; a carrier's own keys are relative to its entry (`webhook.auth.kind`). */
  path: string;
  /** The carrier type the key belongs to, for carrier keys. */
  carrier?: string;
  type: string;
  /** The default as JSON, `required`, or empty when the key is optional without one. */
  default: string;
  description: string;
}

type Schema = Record<string, unknown>;

/** Every key of the configuration, in schema order: the top level, then each carrier type's keys. */
export function keyRows(): KeyRow[] {
  const top = { ...ConfigFile, properties: { ...ConfigFile.properties } } as Schema;
  delete (top['properties'] as Schema)['carriers'];
  delete (top['properties'] as Schema)['$schema'];
  const out = rows(top, '');
  out.splice(
    out.findIndex((r) => r.path === 'routes'),
    0,
    {
      path: 'carriers',
      type: 'array of carrier entries',
      default: '[]',
      description: String((ConfigFile.properties.carriers as object as Schema)['description']),
    },
  );
  for (const [type, t] of Object.entries(CARRIER_TABLES)) {
    for (const r of rows(t.schema as object as Schema, '')) out.push({ ...r, carrier: type });
  }
  return out;
}

function rows(schema: Schema, path: string): KeyRow[] {
  const out: KeyRow[] = [];
  const seen = new Map<string, KeyRow>();
  const add = (r: KeyRow) => {
    const had = seen.get(r.path);
    if (had === undefined) {
      seen.set(r.path, r);
      out.push(r);
    } else {
      // The same key in several variants of a union (webhook kinds): one row, every type and meaning.
      if (!had.type.split(' \\| ').includes(r.type)) had.type += ` \\| ${r.type}`;
      if (!had.description.includes(r.description)) had.description += ` ${r.description}`;
    }
  };
  const visit = (s: Schema, at: string) => {
    const variants = (s['anyOf'] as Schema[] | undefined)?.filter((v) => v['type'] === 'object');
    for (const v of variants ?? []) visit(v, at);
    const required = new Set((s['required'] as string[] | undefined) ?? []);
    for (const [k, v] of Object.entries((s['properties'] as Record<string, Schema> | undefined) ?? {})) {
      const p = at === '' ? k : `${at}.${k}`;
      const def = 'default' in v ? JSON.stringify(v['default']) : required.has(k) ? 'required' : '';
      add({
        path: p,
        type: typeName(v) + secretNote(v),
        default: def,
        description: String(v['description'] ?? ''),
      });
      visit(v, p);
    }
    for (const [re, v] of Object.entries(
      (s['patternProperties'] as Record<string, Schema> | undefined) ?? {},
    )) {
      const p = `${at}.${re === '^\\+\\d{1,15}$' ? '"+<prefix>"' : '<name>'}`;
      add({
        path: p,
        type: typeName(v) + secretNote(v),
        default: '',
        description: String(v['description'] ?? ''),
      });
      visit(v, p);
    }
    const items = s['items'] as Schema | undefined;
    if (items && items['type'] === 'object') visit(items, `${at}[]`);
  };
  visit(schema, path);
  return out;
}

const secretNote = (s: Schema) =>
  s['secret'] === true ? ', secret' : s['secret'] === 'url' ? ', password masked' : '';

function typeName(s: Schema): string {
  if (Array.isArray(s['enum'])) return (s['enum'] as unknown[]).map((v) => `\`${String(v)}\``).join(' \\| ');
  if ('const' in s) return `\`${JSON.stringify(s['const'])}\``;
  const any = s['anyOf'] as Schema[] | undefined;
  if (any) return [...new Set(any.map(typeName))].join(' \\| ');
  const t = String(s['type'] ?? 'any');
  if (t === 'array') return `array of ${typeName((s['items'] as Schema) ?? {})}`;
  if (t === 'integer' || t === 'number') {
    const [min, max, above] = [s['minimum'], s['maximum'], s['exclusiveMinimum']];
    if (min !== undefined && max !== undefined) return `${t} ${min}-${max}`;
    if (above !== undefined) return `${t} > ${above}`;
    if (min !== undefined) return `${t} ≥ ${min}`;
    return max === undefined ? t : `${t} ≤ ${max}`;
  }
  return t;
}
