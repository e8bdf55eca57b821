/**
 * The media path, over loopback: a file encrypted as the Acrobits app uploads it (AES-128-CTR, zero
 * counter block; https://doc.acrobits.net/api/client/x-acro-filetransfer.html) is fetched from a loopback
 * storage server, decrypted while streaming, stored in the media store (the filesystem store on the
 * embedded database, or PostgreSQL with DATABASE_URL), then downloaded from a real textbridge service by
 * its signed URL and checked against the original's SHA-256. Files per second for small (100 KB) and
 * large (25 MB) files, and the process's peak RSS during the large ones (everything is streamed: it
 * must stay far below what holding a 25 MB file would cost). The process holds the service and the
 * clients, so its RSS is an upper bound on the server's.
 * Usage: npm run bench:media [-- small=200 large=6 concurrency=4]
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import pino from 'pino';
import { request } from 'undici';
import { systemClock } from '../src/app/ports.js';
import { buildConfig } from '../src/config/index.js';
import { startService } from '../src/main/index.js';
import { mediaSigner, openMediaStore } from '../src/main/media.js';

const arg = (name: string, dflt: number) =>
  Number(process.argv.find((a) => a.startsWith(`${name}=`))?.split('=')[1] ?? dflt);
const SMALL = arg('small', 200);
const LARGE = arg('large', 6);
const CONCURRENCY = arg('concurrency', 4);

const key = randomBytes(16);
const iv = Buffer.alloc(16);
const encrypt = (b: Buffer) => Buffer.concat([createCipheriv('aes-128-ctr', key, iv).update(b)]);
const files = {
  small: randomBytes(100 * 1024),
  large: randomBytes(25 * 1024 * 1024),
};
const encrypted = { small: encrypt(files.small), large: encrypt(files.large) };
const sha = { small: hashOf(files.small), large: hashOf(files.large) };

// The app's storage: serves the encrypted bytes in 64 KiB writes.
const storage = createServer((req, res) => {
  const body = req.url?.includes('large') ? encrypted.large : encrypted.small;
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
  let at = 0;
  const pump = () => {
    while (at < body.length) {
      const chunk = body.subarray(at, at + 65_536);
      at += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
});
await new Promise<void>((r) => storage.listen(0, '127.0.0.1', r));
const storageUrl = `http://127.0.0.1:${(storage.address() as AddressInfo).port}`;

const dataDir = mkdtempSync(path.join(tmpdir(), 'tb-bench-media-'));
const config = buildConfig({
  dataDir,
  databaseUrl: process.env['DATABASE_URL'] ?? '',
  server: { host: '127.0.0.1', port: 0 },
  delivery: { worker: false },
  media: { maxFileBytes: 30 * 1024 * 1024 },
});
const service = await startService(config, pino({ level: 'warn' }));
const media = openMediaStore(config, service.db, systemClock);
const signer = await mediaSigner(config, service.db);

/** One file through the path: fetch, decrypt, store, sign, download, check. */
async function once(kind: 'small' | 'large'): Promise<void> {
  const res = await request(`${storageUrl}/${kind}`);
  const decipher = createDecipheriv('aes-128-ctr', key, iv);
  const put = media.put(res.body.pipe(decipher), {
    contentType: 'video/mp4',
    maxBytes: config.media.maxFileBytes,
  });
  const stored = await put;
  const url = signer.url(service.url, stored.id, Date.now(), 3600);
  const down = await request(url);
  if (down.statusCode !== 200) throw new Error(`download answered ${down.statusCode}`);
  const h = createHash('sha256');
  await pipeline(down.body, h);
  if (h.digest('hex') !== sha[kind]) throw new Error('downloaded bytes differ');
  await media.delete(stored.id);
}

async function run(kind: 'small' | 'large', n: number, concurrency: number) {
  let next = 0;
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        next++;
        await once(kind);
      }
    }),
  );
  const s = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  return {
    kind,
    files: n,
    concurrency,
    seconds: Number(s.toFixed(2)),
    filesPerSecond: Number((n / s).toFixed(1)),
    mbPerSecond: Math.round((n * files[kind].length) / 2 ** 20 / s),
    peakRssMb: Math.round(peak / 2 ** 20),
  };
}

await once('small'); // warm-up: connections, statements, the signer
global.gc?.();
const baseline = Math.round(process.memoryUsage().rss / 2 ** 20);
// Large files one at a time first, so their peak is measured against the baseline.
const largeOne = await run('large', Math.min(3, LARGE), 1);
const small = await run('small', SMALL, CONCURRENCY);
const large = await run('large', LARGE, CONCURRENCY);
console.log(
  JSON.stringify({
    store: config.databaseUrl ? 'postgres' : 'sqlite',
    baselineRssMb: baseline,
    // Held in the process by the bench itself: the two plain and two encrypted copies of each file.
    heldByBenchMb: Math.round((2 * (files.large.length + files.small.length)) / 2 ** 20),
    small,
    largeOneAtATime: largeOne,
    large,
  }),
);
await service.close();
storage.close();
rmSync(dataDir, { recursive: true, force: true });

function hashOf(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}
