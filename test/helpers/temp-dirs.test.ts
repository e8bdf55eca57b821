import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

// The suite leaves nothing behind in the system temp folder: every folder a test makes for a store or
// a config file goes when its process exits.
test('a folder from tempDir, and what was written in it, is gone once the test process exits', () => {
  const helper = new URL('./service.js', import.meta.url).href;
  const script = `const { tempDir } = await import(${JSON.stringify(helper)}); process.stdout.write(tempDir('tb-gone-'));`;
  const dir = execFileSync(process.execPath, [...process.execArgv, '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  assert.ok(dir.includes('tb-gone-'), dir);
  assert.equal(existsSync(dir), false, `${dir} was left behind`);
});

test('a folder from tempDir is there while the process runs', async () => {
  const { tempDir } = await import('./service.js');
  const dir = tempDir('tb-here-');
  writeFileSync(path.join(dir, 'f'), 'x');
  assert.equal(existsSync(path.join(dir, 'f')), true);
});
