/** The layout's rule (STYLE.md): the inner layers import no framework or driver, and point inward. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const FORBIDDEN =
  /^(fastify|@fastify\/.*|kysely|pg|better-sqlite3|smpp|undici|node:http|node:https|node:net|pino)$/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(path.join(dir, e.name))
      : e.name.endsWith('.ts')
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

for (const layer of ['domain', 'protocol', 'app']) {
  test(`src/${layer} imports no framework, driver or network module`, () => {
    const bad = sources(`src/${layer}`).flatMap((f) =>
      imports(f)
        .filter((i) => FORBIDDEN.test(i))
        .map((i) => `${f}: ${i}`),
    );
    assert.deepEqual(bad, []);
  });
}

test('src/domain imports nothing from the outer layers', () => {
  const bad = sources('src/domain').flatMap((f) =>
    imports(f)
      .filter(
        (i) => i.startsWith('.') && !path.resolve(path.dirname(f), i).startsWith(path.resolve('src/domain')),
      )
      .map((i) => `${f}: ${i}`),
  );
  assert.deepEqual(bad, []);
});

test('src/protocol sees only src/domain (and the error catalogue)', () => {
  const allowed = [path.resolve('src/domain'), path.resolve('src/protocol'), path.resolve('src/errors.ts')];
  const bad = sources('src/protocol').flatMap((f) =>
    imports(f)
      .filter((i) => i.startsWith('.'))
      .map((i) => path.resolve(path.dirname(f), i).replace(/\.js$/, '.ts'))
      .filter((p) => !allowed.some((a) => p.startsWith(a)))
      .map((p) => `${f}: ${p}`),
  );
  assert.deepEqual(bad, []);
});
