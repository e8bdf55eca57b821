/**
 * What a server loads only on use: a `serve` on the embedded store with inbound picture messages on
 * (a public URL) starts without sharp (picture previews) and without pg (PostgreSQL's driver) in its
 * module cache, and sharp loads and works at the first preview. In-process, on the embedded store
 * only: the PostgreSQL helpers import pg themselves, and every test on PostgreSQL loads it through the
 * store's first connection. This file imports no helper that reaches either module.
 */
import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import { crc32, deflateSync } from 'node:zlib';
import { makePreview } from '../../src/carriers/media/preview.js';
import { buildConfig } from '../../src/config/index.js';
import { makeLogger, type Service, startService } from '../../src/main/index.js';
import { auditLogFile, tempDir } from '../helpers/files.js';

const loaded = (pkg: string) =>
  Object.keys(createRequire(import.meta.url).cache).some((file) => file.includes(`/node_modules/${pkg}/`));

/** A 2×1 PNG (RGB, no filter), written by hand: sharp must not be loaded to make it. */
function png(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(2, 0);
  header.writeUInt32BE(1, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.from([0, 255, 0, 0, 0, 0, 255]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

let service: Service | undefined;
after(() => service?.close());

test('serve on the embedded store starts without sharp and pg, and sharp loads at the first preview', async () => {
  const config = buildConfig({
    dataDir: tempDir(),
    databaseUrl: '',
    server: { host: '127.0.0.1', port: 0, publicUrl: 'https://sms.example.com' },
  });
  service = await startService(config, makeLogger(config, createWriteStream(auditLogFile('lazy-modules'))));
  assert.equal((await fetch(`${service.url}/readyz`)).status, 200);
  assert.equal(loaded('sharp'), false, 'sharp is not loaded at start');
  assert.equal(loaded('pg'), false, 'pg is not loaded on the embedded store');

  const preview = await makePreview(Readable.from([png()]));
  assert.equal(preview?.['content-type'], 'image/jpeg');
  const jpeg = Buffer.from(preview?.content ?? '', 'base64');
  assert.deepEqual([...jpeg.subarray(0, 2)], [0xff, 0xd8], 'a JPEG');
  assert.equal(loaded('sharp'), true, 'sharp is loaded once used');
});
