/**
 * The documents generated from the configuration schemas stay true: docs/config.schema.json (for
 * editors) and docs/configuration.md, which must name every key of every section and of each carrier
 * type. After changing a schema, run `npm run config:schema`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DOC_FILE, docText, SCHEMA_FILE, schemaText } from '../../scripts/config-schema.js';
import { keyRows } from '../../src/config/schema.js';

const doc = readFileSync(DOC_FILE, 'utf8');

test('docs/config.schema.json is the schema the code declares', () => {
  assert.equal(readFileSync(SCHEMA_FILE, 'utf8'), schemaText(), 'stale: run npm run config:schema');
});

test('docs/configuration.md names every key of every section by its full path', () => {
  const missing = keyRows()
    .filter((r) => r.carrier === undefined && !doc.includes(`\`${r.path}\``))
    .map((r) => r.path);
  assert.deepEqual(missing, []);
});

test('docs/configuration.md names every key of each carrier type in that type’s table', () => {
  const missing: string[] = [];
  for (const r of keyRows()) {
    if (r.carrier === undefined) continue;
    const start = doc.indexOf(`<!-- carrier:${r.carrier} -->`);
    const end = doc.indexOf('\n###', start + 1);
    const section = start < 0 ? '' : doc.slice(start, end < 0 ? undefined : end);
    if (!section.includes(`| \`${r.path}\` |`)) missing.push(`${r.carrier}: ${r.path}`);
  }
  assert.deepEqual(missing, []);
});

test('the key reference in docs/configuration.md is the one the schemas give', () => {
  assert.equal(doc, docText(doc), 'stale: run npm run config:schema');
});

test('the JSON Schema lets an editor leave out every key that has a default', () => {
  const schema = JSON.parse(schemaText()) as { required?: string[]; properties: Record<string, unknown> };
  assert.equal(schema.required, undefined);
  assert.ok('$schema' in schema.properties);
});
