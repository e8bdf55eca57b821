/**
 * The retention sweep in a running server: media older than `media.retentionDays` is deleted (file and
 * row) when the server starts and then every `media.sweepIntervalSec`; younger media stays.
 */
import assert from 'node:assert/strict';
import { createWriteStream, existsSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { buildConfig } from '../../src/config/index.js';
import { makeLogger, openStore, startWorker } from '../../src/main/index.js';
import { openMediaStore } from '../../src/main/media.js';
import { freshDatabaseUrl } from '../helpers/pg.js';
import { auditLogFile, startTestService, tempDir } from '../helpers/service.js';

const DAY_MS = 86_400_000;

test('the server deletes media older than the retention period and keeps younger media', async () => {
  const dataDir = tempDir('tb-media-ret-');
  const databaseUrl = await freshDatabaseUrl();
  const config = buildConfig({ dataDir, databaseUrl });
  const db = await openStore(config);
  const at = (ms: number) => openMediaStore(config, db, { now: () => ms });
  const put = (ms: number) =>
    at(ms).put(Readable.from([Buffer.from('x')]), { contentType: 'image/png', maxBytes: 10 });
  const old = await put(Date.now() - 8 * DAY_MS);
  const young = await put(Date.now() - 6 * DAY_MS);
  const file = (id: string) => path.join(dataDir, 'media', id.slice(0, 2), id);
  const svc = await startTestService({ dataDir, databaseUrl, media: { retentionDays: 7 } });
  try {
    const deadline = Date.now() + 10_000;
    while (existsSync(file(old.id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(existsSync(file(old.id)), false);
    assert.equal(await at(Date.now()).open(old.id), null);
    const kept = await at(Date.now()).open(young.id);
    assert.ok(kept);
    kept.stream.destroy();
    assert.equal(existsSync(file(young.id)), true);
  } finally {
    await svc.close();
    await db.close();
  }
});

test('a worker alone sweeps old media too', async () => {
  const dataDir = tempDir('tb-media-ret-w-');
  const databaseUrl = await freshDatabaseUrl();
  const config = buildConfig({ dataDir, databaseUrl, media: { retentionDays: 1 } });
  const db = await openStore(config);
  const media = openMediaStore(config, db, { now: () => Date.now() - 2 * DAY_MS });
  const old = await media.put(Readable.from([Buffer.from('x')]), { contentType: 'image/png', maxBytes: 10 });
  const worker = await startWorker(config, makeLogger(config, createWriteStream(auditLogFile('worker'))));
  try {
    const deadline = Date.now() + 10_000;
    const stored = async () => {
      const m = await media.open(old.id);
      m?.stream.destroy();
      return m !== null;
    };
    while ((await stored()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await stored(), false);
  } finally {
    await worker.close();
    await db.close();
  }
});
