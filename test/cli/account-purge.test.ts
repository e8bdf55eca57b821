/**
 * `textbridge account remove --purge` deletes the account's media, files and rows, and nobody else's;
 * without `--purge` the media stays (until the retention sweep).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { makeAccountAdmin } from '../../src/app/accounts.js';
import { systemClock } from '../../src/app/ports.js';
import { buildConfig } from '../../src/config/index.js';
import { openStore } from '../../src/main/index.js';
import { openMediaStore } from '../../src/main/media.js';
import { makeAdminStore } from '../../src/store/adapters/admin.js';
import { findAccountByUsername } from '../../src/store/sql/accounts.js';
import { runTextbridge } from '../helpers/child.js';
import { tempDir } from '../helpers/files.js';
import { freshDatabaseUrl } from '../helpers/pg.js';
import { password } from '../helpers/secrets.js';

test("account remove --purge deletes the account's media files and rows, and only its own", async () => {
  const dataDir = tempDir('tb-cli-purge-');
  const databaseUrl = await freshDatabaseUrl();
  const config = buildConfig({ dataDir, databaseUrl });
  const db = await openStore(config);
  const media = openMediaStore(config, db, systemClock);
  const admin = makeAccountAdmin(makeAdminStore(db), systemClock);
  const ids: Record<string, string[]> = {};
  for (const [i, username] of ['erin', 'finn', 'gail'].entries()) {
    await admin.add({ username, password: password(username), numbers: [`+1555000008${i}`], region: 'US' });
    const account = await findAccountByUsername(db.kysely, username);
    ids[username] = [];
    for (let n = 0; n < 2; n++) {
      const put = { contentType: 'image/png', accountId: account!.id, maxBytes: 100 };
      ids[username].push((await media.put(Readable.from([Buffer.from(`${username} ${n}`)]), put)).id);
    }
  }
  const onDisk = (id: string) => existsSync(path.join(dataDir, 'media', id.slice(0, 2), id));
  const env = { DATABASE_URL: databaseUrl };
  try {
    const purged = await runTextbridge(
      env,
      'account',
      'remove',
      'erin',
      '--purge',
      '--json',
      '--data-dir',
      dataDir,
    );
    assert.equal(purged.code, 0, purged.stderr);
    assert.deepEqual(JSON.parse(purged.stdout), {
      username: 'erin',
      removed: true,
      mediaDeleted: 2,
      messagesDeleted: 0,
    });
    for (const id of ids['erin']!) {
      assert.equal(await media.open(id), null);
      assert.equal(onDisk(id), false);
    }
    const kept = await runTextbridge(env, 'account', 'remove', 'finn', '--data-dir', dataDir);
    assert.equal(kept.code, 0, kept.stderr);
    for (const id of [...ids['finn']!, ...ids['gail']!]) assert.equal(onDisk(id), true);
    assert.equal(await media.usage((await findAccountByUsername(db.kysely, 'gail'))!.id), 12);
    const missing = await runTextbridge(env, 'account', 'remove', 'nobody', '--purge', '--data-dir', dataDir);
    assert.notEqual(missing.code, 0);
    assert.equal(readdirSync(path.join(dataDir, 'media'), { recursive: true }).length > 0, true);
  } finally {
    await db.close();
  }
});
