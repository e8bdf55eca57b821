/**
 * A 25 MB file through a real `textbridge serve` process: uploaded and downloaded by its signed URL
 * byte for byte, while the server's resident memory (read from /proc) grows by far less than the file,
 * because the body is streamed to disk and back, never held whole.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { makeAccountAdmin } from '../../src/app/accounts.js';
import { systemClock } from '../../src/app/ports.js';
import { buildConfig } from '../../src/config/index.js';
import { openStore } from '../../src/main/index.js';
import { makeAdminStore } from '../../src/store/adapters/admin.js';
import { startChild, writeConfigFile } from '../helpers/child.js';
import { tempDir } from '../helpers/files.js';
import { freshDatabaseUrl } from '../helpers/pg.js';
import { password } from '../helpers/secrets.js';

const MB = 1024 * 1024;
const FILE_BYTES = 25 * MB;
/**
 * Allowed growth of the server's RSS over its warmed-up level: less than the file plus half of it.
 * Measured on a 2-core machine: streaming grows about 22 MB (socket and stream buffers, garbage not yet
 * collected), buffering the upload whole about 47 MB, so this bound tells the two apart.
 */
const BOUND = 36 * MB;

function rss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) * 1024;
}

/** `n` bytes of a repeatable pattern, made chunk by chunk (the test does not hold the file either). */
function pattern(n: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(c) {
      if (sent >= n) return c.close();
      const chunk = Buffer.alloc(Math.min(256 * 1024, n - sent), sent % 251);
      sent += chunk.length;
      c.enqueue(chunk);
    },
  });
}

async function sha256Of(body: ReadableStream<Uint8Array>): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) h.update(chunk);
  return h.digest('hex');
}

test("a 25 MB upload and download keep the server's resident memory growth under one and a half files' size", async () => {
  const dataDir = tempDir('tb-media-rss-');
  const databaseUrl = await freshDatabaseUrl();
  const configFile = writeConfigFile(dataDir, { media: { maxFileBytes: 30 * MB } });
  const pass = password('media-rss');
  const db = await openStore(buildConfig({ dataDir, databaseUrl }));
  await makeAccountAdmin(makeAdminStore(db), systemClock).add({
    username: 'alice',
    password: pass,
    numbers: ['+15550000071'],
    region: 'US',
  });
  await db.close();
  const env = { TEXTBRIDGE_DATA_DIR: dataDir, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' };
  const child = await startChild(['serve', '--config', configFile], env);
  const pid = child.proc.pid!;
  const uploadUrl = `${child.url}/media/upload?username=alice&password=${encodeURIComponent(pass)}`;
  const put = (n: number) =>
    fetch(uploadUrl, {
      method: 'PUT',
      headers: { 'content-type': 'video/mp4', 'content-length': String(n) },
      body: pattern(n),
      duplex: 'half',
    } as RequestInit);
  try {
    // Warm up: the routes, the store and the password check, with a small file both ways. The URLs
    // handed out name the request's own host (no publicUrl is set), which is this child.
    const warm = (await (await put(MB)).json()) as Record<string, string>;
    await sha256Of((await fetch(warm['content-url']!)).body!);
    const base = rss(pid);
    let peak = base;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rss(pid));
    }, 10);
    try {
      const r = await put(FILE_BYTES);
      const up = (await r.json()) as Record<string, unknown>;
      assert.equal(r.status, 200, JSON.stringify(up));
      assert.equal(up['content-size'], FILE_BYTES);
      const down = await fetch(String(up['content-url']));
      assert.equal(down.headers.get('content-length'), String(FILE_BYTES));
      assert.equal(await sha256Of(down.body!), await sha256Of(pattern(FILE_BYTES)));
    } finally {
      clearInterval(sampler);
    }
    assert.ok(peak - base < BOUND, `server RSS grew by ${Math.round((peak - base) / MB)} MB`);
  } finally {
    child.proc.kill('SIGTERM');
    await child.exited;
  }
});
