/**
 * A fake of the app's file storage (Acrobits' or the provider's, where `content-url` points): a real
 * loopback node:http server on port 0 serving files put into it, encrypted as the app encrypts them
 * (AES-CTR with a zero counter block, https://doc.acrobits.net/api/client/x-acro-filetransfer.html).
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from '../../src/domain/file-transfer.js';

/** How one path is served: whole, without a length (chunked), slowly, or not at all. */
export type Serve = 'whole' | 'chunked' | { stallMs: number } | { status: number };

/** A file as the app would describe it in its attachment. */
export interface StoredFile {
  url: string;
  key: string;
  /** CRC-32 of the plain bytes, in decimal, as the page's example writes it. */
  hash: string;
  encrypted: Buffer;
}

export interface FakeFileStorage {
  url: string;
  /** Encrypt `plain` with a new key of `bits` and serve it at `/<name>`. */
  put(name: string, plain: Buffer, opts?: { bits?: 128 | 192 | 256; serve?: Serve }): StoredFile;
  /** GETs seen, by path. */
  gets: string[];
  close(): Promise<void>;
}

/** AES-CTR with a zero counter block, as the app encrypts. */
export function encryptCtr(plain: Buffer, key: Buffer): Buffer {
  const c = createCipheriv(`aes-${key.length * 8}-ctr`, key, Buffer.alloc(16));
  return Buffer.concat([c.update(plain), c.final()]);
}

export async function startFakeFileStorage(): Promise<FakeFileStorage> {
  const files = new Map<string, { bytes: Buffer; serve: Serve }>();
  const gets: string[] = [];
  const send = (res: ServerResponse, bytes: Buffer, serve: Serve) => {
    if (typeof serve === 'object' && 'status' in serve) return res.writeHead(serve.status).end('no');
    if (serve === 'whole') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length });
      return res.end(bytes);
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.write(bytes.subarray(0, Math.min(1024, bytes.length)));
    if (serve === 'chunked') return res.end(bytes.subarray(Math.min(1024, bytes.length)));
    const t = setTimeout(() => res.end(bytes.subarray(1024)), serve.stallMs);
    res.on('close', () => clearTimeout(t));
  };
  const server = createServer((req, res) => {
    gets.push(req.url ?? '');
    const f = files.get(req.url ?? '');
    if (!f) return res.writeHead(404).end('not found');
    send(res, f.bytes, f.serve);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    gets,
    put(name, plain, opts = {}) {
      const key = randomBytes((opts.bits ?? 128) / 8);
      const encrypted = encryptCtr(plain, key);
      files.set(`/${name}`, { bytes: encrypted, serve: opts.serve ?? 'whole' });
      return { url: `${url}/${name}`, key: key.toString('hex'), hash: String(crc32(plain)), encrypted };
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A small JPEG-looking file: the JPEG start-of-image marker, then `size` random bytes. */
export function fakeJpeg(size: number): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(size)]);
}
