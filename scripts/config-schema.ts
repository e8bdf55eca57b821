/**
 * Writes what editors and readers get from the configuration schema (`src/config/schema.ts`):
 * `docs/config.schema.json`, and the key reference at the end of `docs/configuration.md` (between its
 * `<!-- keys:start -->` and `<!-- keys:end -->` lines). Run `npm run config:schema` after changing a
 * schema; test/config/docs.test.ts fails while either file is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { configJsonSchema, type KeyRow, keyRows } from '../src/config/schema.js';

// The package root: npm runs scripts there, and the test suite runs there (from its compiled copy too).
const root = process.cwd();
export const SCHEMA_FILE = path.join(root, 'docs/config.schema.json');
export const DOC_FILE = path.join(root, 'docs/configuration.md');
const START = '<!-- keys:start -->';
const END = '<!-- keys:end -->';

/** The JSON Schema file's text. */
export function schemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const table = (rows: KeyRow[]) =>
  [
    '| key | type | default | meaning |',
    '| --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| \`${r.path}\` | ${r.type} | ${r.default === '' ? '' : r.default === 'required' ? 'required' : `\`${cell(r.default)}\``} | ${cell(r.description)} |`,
    ),
  ].join('\n');

/** The generated key reference (the part of docs/configuration.md between the markers). */
export function referenceText(): string {
  const rows = keyRows();
  const top = rows.filter((r) => r.carrier === undefined);
  const parts = [
    START,
    '<!-- Generated from the schemas by `npm run config:schema`; edit the schemas, not this table. -->',
    '',
    '### Sections',
    '',
    table(top),
  ];
  for (const type of [...new Set(rows.flatMap((r) => (r.carrier ? [r.carrier] : [])))]) {
    parts.push(
      '',
      `### \`${type}\` carrier`,
      '',
      `<!-- carrier:${type} -->`,
      table(rows.filter((r) => r.carrier === type)),
    );
  }
  parts.push(END);
  return parts.join('\n');
}

/** docs/configuration.md with its key reference replaced by `referenceText()`. */
export function docText(current: string): string {
  const a = current.indexOf(START);
  const b = current.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${DOC_FILE} has no ${START} … ${END} section`);
  return current.slice(0, a) + referenceText() + current.slice(b + END.length);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(SCHEMA_FILE, schemaText());
  writeFileSync(DOC_FILE, docText(readFileSync(DOC_FILE, 'utf8')));
  process.stdout.write(
    `wrote ${path.relative(root, SCHEMA_FILE)} and the key reference in ${path.relative(root, DOC_FILE)}\n`,
  );
}
