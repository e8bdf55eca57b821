/**
 * The layout's rules (docs/architecture.md): imports point inward, and each folder may import only the
 * folders its row in `ALLOWED` names. Inner layers import no framework or driver. Every file under
 * `src/` lives in a folder, but for the error catalogue.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

/**
 * Which of our folders each folder may import (besides itself). `errors` is the coded error catalogue
 * (`src/errors.ts`), which every layer may use. A carrier's key table is `carriers/<type>/config.ts`
 * (or the module listing them, `carriers/config-tables.ts`): the one part of a carrier that config
 * reads, so a carrier's settings are declared once, beside the carrier.
 */
const ALLOWED: Record<string, readonly string[]> = {
  domain: [],
  errors: [],
  protocol: ['domain', 'errors'],
  app: ['domain', 'errors'],
  store: ['app', 'domain', 'errors'],
  carriers: ['app', 'domain', 'errors'],
  verifiers: ['app', 'carriers', 'config', 'domain', 'errors'],
  config: ['carrier key tables', 'domain', 'errors'],
  http: ['app', 'protocol', 'errors'],
  worker: ['app', 'errors'],
  metrics: ['app', 'errors'],
  simulator: ['protocol', 'domain', 'errors'],
  // The web console runs in the browser and talks to the server over HTTP only (its own tsconfig).
  console: [],
  cli: ['main', 'app', 'config', 'domain', 'errors', 'simulator'],
  main: [
    'app',
    'domain',
    'errors',
    'protocol',
    'store',
    'carriers',
    'config',
    'http',
    'worker',
    'verifiers',
    'metrics',
  ],
};

/** Files allowed at the top of `src/`: the error catalogue. Entry points live in `cli/` and `main/`. */
const TOP_LEVEL_FILES = ['errors.ts'];

/** Frameworks, drivers and network modules the inner layers must not import. */
const FORBIDDEN =
  /^(fastify|@fastify\/.*|kysely|pg|better-sqlite3|smpp|undici|node:http|node:https|node:net|pino|commander)$/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(path.join(dir, e.name))
      : /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts')
        ? [path.join(dir, e.name)]
        : [],
  );
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)[^'"]*?from\s+'([^']+)'|import\('([^']+)'\)/g)].map(
    (m) => m[1] ?? m[2]!,
  );
}

const SRC = path.resolve('src');

/** The folder a source file belongs to, by its first path segment under `src/` (`errors.ts` → errors). */
function folderOf(file: string): string {
  const first = path.relative(SRC, file).split(path.sep)[0]!;
  return first.replace(/\.ts$/, '');
}

/** A carrier's key table: `carriers/<type>/config.ts` or `carriers/config-tables.ts`. */
function isCarrierKeyTable(file: string): boolean {
  const rel = path.relative(SRC, file).split(path.sep).join('/');
  return /^carriers\/[\w-]+\/config\.ts$/.test(rel) || rel === 'carriers/config-tables.ts';
}

/** May `file` import `target` (both absolute `.ts` paths)? */
function allowedImport(file: string, target: string): boolean {
  const from = folderOf(file);
  const to = folderOf(target);
  const allowed = ALLOWED[from] ?? [];
  return (
    to === from ||
    allowed.includes(to) ||
    (allowed.includes('carrier key tables') && isCarrierKeyTable(target))
  );
}

/** `file → target` for every relative import that its folder's row does not allow. */
function forbiddenImports(files: readonly string[]): string[] {
  return files.flatMap((f) =>
    imports(f)
      .filter((i) => i.startsWith('.'))
      .map((i) => path.resolve(path.dirname(f), i).replace(/\.js$/, '.ts'))
      .filter((target) => !allowedImport(f, target))
      .map((target) => `${path.relative(SRC, f)} → ${path.relative(SRC, target)}`),
  );
}

test('every folder under src/ imports only the folders its row of the direction table allows', () => {
  const files = sources(SRC);
  const unknown = [...new Set(files.map(folderOf))].filter((f) => !(f in ALLOWED));
  assert.deepEqual(unknown, [], 'a new folder needs its row in ALLOWED');
  assert.deepEqual(forbiddenImports(files), []);
});

test('the direction table refuses imports against it and allows the ones it names', () => {
  const at = (...p: string[]) => path.join(SRC, ...p);
  const refused = [
    [at('app', 'send-message.ts'), at('store', 'engine', 'db.ts')],
    [at('domain', 'address.ts'), at('app', 'ports.ts')],
    [at('http', 'inbound.routes.ts'), at('carriers', 'webhooks.ts')],
    [at('config', 'index.ts'), at('carriers', 'smpp', 'adapter.ts')],
    [at('carriers', 'index.ts'), at('config', 'index.ts')],
    [at('store', 'sql', 'messages.ts'), at('protocol', 'acrobits', 'fields.ts')],
  ] as const;
  for (const [file, target] of refused)
    assert.equal(allowedImport(file, target), false, `${file} → ${target}`);
  const allowed = [
    [at('config', 'index.ts'), at('carriers', 'smpp', 'config.ts')],
    [at('store', 'adapters', 'store.ts'), at('app', 'ports.ts')],
    [at('main', 'service.ts'), at('http', 'server.ts')],
  ] as const;
  for (const [file, target] of allowed)
    assert.equal(allowedImport(file, target), true, `${file} → ${target}`);
});

test('no file stands at the top of src/ but the error catalogue', () => {
  const top = readdirSync(SRC, { withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);
  assert.deepEqual(
    top.filter((n) => !TOP_LEVEL_FILES.includes(n)),
    [],
  );
});

for (const layer of ['domain', 'protocol', 'app', 'config']) {
  test(`src/${layer} imports no framework, driver or network module`, () => {
    const bad = sources(`src/${layer}`).flatMap((f) =>
      imports(f)
        .filter((i) => FORBIDDEN.test(i))
        .map((i) => `${f}: ${i}`),
    );
    assert.deepEqual(bad, []);
  });
}
