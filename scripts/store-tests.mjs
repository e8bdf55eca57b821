/**
 * `node scripts/store-tests.mjs <test files…>` prints the files that can reach PostgreSQL: those whose
 * own text, or that of a file they import from the test folder (followed through every relative
 * import), names TEXTBRIDGE_TEST_DATABASE_URL, the one switch that sends a test to PostgreSQL
 * (test/helpers/pg.ts and the few tests that read it themselves). scripts/test.sh runs only these on
 * PostgreSQL: any other file does the very same work on both runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const SWITCH = 'TEXTBRIDGE_TEST_DATABASE_URL';
const IMPORT = /(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g;
const memo = new Map();

function reaches(file, visiting = new Set()) {
  if (memo.has(file)) return memo.get(file);
  if (visiting.has(file)) return false; // a cycle: decided by the file that started it
  visiting.add(file);
  const text = readFileSync(file, 'utf8');
  let found = text.includes(SWITCH);
  for (const m of text.matchAll(IMPORT)) {
    if (found) break;
    let target = path.resolve(path.dirname(file), m[1]);
    if (!existsSync(target) && target.endsWith('.js')) target = target.replace(/\.js$/, '.ts');
    if (!target.includes(`${path.sep}test${path.sep}`) || !existsSync(target)) continue;
    found = reaches(target, visiting);
  }
  visiting.delete(file);
  if (visiting.size === 0 || found) memo.set(file, found);
  return found;
}

for (const file of process.argv.slice(2)) if (reaches(path.resolve(file))) console.log(file);
