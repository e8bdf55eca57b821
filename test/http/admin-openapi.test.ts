/**
 * The admin API's OpenAPI 3.1 document: generated from the route schemas, valid by an independent
 * validator, and naming every route the admin API registers (a route without a schema would be missing).
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import Fastify from 'fastify';
import { systemClock } from '../../src/app/ports.js';
import { buildConfig } from '../../src/config/index.js';
import { ADMIN_AJV, registerAdminApi } from '../../src/http/admin/plugin.js';
import { adminUseCases } from '../../src/main/admin.js';
import { adminCall, adminToken } from '../helpers/admin.js';
import { freshDb } from '../helpers/db.js';

const db = await freshDb();
const config = buildConfig({ dataDir: db.dataDir, databaseUrl: db.url });
const app = Fastify({ ajv: ADMIN_AJV });
const routes: Array<{ method: string; url: string }> = [];
app.addHook('onRoute', (r) => {
  for (const method of [r.method].flat()) routes.push({ method, url: r.url });
});
registerAdminApi(app, {
  ...adminUseCases(config, db, systemClock),
  links: () => [],
  maxFailuresPerAddress: 100,
  failureWindowMs: 60_000,
  clock: systemClock,
  version: '1.2.3',
});
const base = await app.listen({ host: '127.0.0.1', port: 0 });
after(async () => {
  await app.close();
  await db.close();
});

/** `/admin/v1/accounts/:username` as OpenAPI writes it: `/admin/v1/accounts/{username}`. */
const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

test('the OpenAPI document is valid OpenAPI 3.1 by an independent validator', async () => {
  const token = await adminToken(config, 'docs', true);
  const doc = await adminCall(base, token, 'GET', '/openapi.json');
  assert.equal(doc.status, 200, doc.text);
  assert.equal(doc.body.openapi, '3.1.0');
  assert.equal(doc.body.info.version, '1.2.3');
  const result = await new Validator().validate(doc.body);
  assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
});

test('every admin route is in the document, with its method, and nothing else is', async () => {
  const token = await adminToken(config, 'docs-2', true);
  const doc = (await adminCall(base, token, 'GET', '/openapi.json')).body;
  const registered = routes
    .filter((r) => r.url.startsWith('/admin/v1/') && r.method !== 'HEAD')
    .map((r) => `${r.method.toLowerCase()} ${openApiPath(r.url)}`)
    .sort();
  const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
    .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`))
    .sort();
  assert.ok(registered.length >= 7, `routes seen: ${registered.join(', ')}`);
  assert.deepEqual(documented, registered);
});

test('the document needs a token like every other admin route', async () => {
  assert.equal((await adminCall(base, undefined, 'GET', '/openapi.json')).status, 401);
});
