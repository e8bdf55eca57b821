/**
 * The whole configuration file as one schema: each section's schema, the carriers' key tables, and the
 * top-level keys. `scripts/config-schema.ts` writes it to `docs/config.schema.json` for editors.
 */
import { Type } from 'typebox';
import { CARRIER_TABLES } from '../carriers/config-tables.js';
import { Inbound } from './inbound.js';
import { Auth, Delivery, Limits, Log, Push, Rates, Recipients, Route, Server } from './sections.js';

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
        'Folder of the embedded store (`textbridge.db`) (env `TEXTBRIDGE_DATA_DIR`, flag `--data-dir`).',
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
      description: 'Connections each process keeps open to PostgreSQL (ignored on the embedded store).',
    }),
    errorFormat: Type.Enum(['json', 'xml', 'auto'], {
      default: 'auto',
      description:
        "Error answers as JSON, XML, or `auto`: XML when the request's Accept prefers XML, else JSON.",
    }),
    limits: Limits,
    rates: Type.Optional(Rates),
    recipients: Recipients,
    auth: Auth,
    log: Log,
    push: Push,
    inbound: Inbound,
    delivery: Delivery,
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

/** Every key's full dotted path (`server.port`, `carriers[].twilio.authToken`), for the docs test. */
export function keyPaths(): string[] {
  const out: string[] = [];
  const visit = (s: Record<string, unknown>, path: string) => {
    const props = s['properties'] as Record<string, Record<string, unknown>> | undefined;
    if (props) {
      for (const [k, v] of Object.entries(props)) {
        if (k === '$schema') continue;
        const p = path === '' ? k : `${path}.${k}`;
        out.push(p);
        visit(v, p);
      }
    }
    for (const v of Object.values(
      (s['patternProperties'] as Record<string, Record<string, unknown>>) ?? {},
    )) {
      visit(v, path);
    }
    const items = s['items'] as Record<string, unknown> | undefined;
    if (items) visit(items, path);
    for (const v of (s['anyOf'] as Array<Record<string, unknown>> | undefined) ?? []) visit(v, path);
  };
  const top = { ...ConfigFile, properties: { ...ConfigFile.properties } } as Record<string, unknown>;
  delete (top['properties'] as Record<string, unknown>)['carriers'];
  visit(top, '');
  for (const [type, t] of Object.entries(CARRIER_TABLES))
    visit(t.schema as object as Record<string, unknown>, `carriers[].${type}`);
  return [...new Set(out)];
}
