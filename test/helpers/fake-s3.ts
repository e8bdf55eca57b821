/**
 * A loopback S3-compatible server for tests: PutObject, the multipart upload (Create, UploadPart,
 * Complete, Abort), GetObject with a single range, DeleteObject and ListObjectsV2 on one bucket, path
 * style, objects in memory. Every request's SigV4 signature is checked with aws4
 * (https://github.com/mhart/aws4), an implementation independent of ours, and its payload against
 * `x-amz-content-sha256`; a bad one is answered 403 `SignatureDoesNotMatch`, as S3 does.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import aws4 from 'aws4';

export interface FakeS3 {
  url: string;
  objects: Map<string, { body: Buffer; modified: number }>;
  /** Multipart uploads under way (created, neither completed nor aborted). */
  uploads: Map<string, Buffer[]>;
  /** Requests seen, as `METHOD path?query`, and how many were refused for their signature. */
  log: string[];
  refused: number;
  /** Largest request body received, bytes. */
  largestBody: number;
  close(): Promise<void>;
}

const xml = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>${body}`;

export async function startFakeS3(opts: {
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}): Promise<FakeS3> {
  const objects = new Map<string, { body: Buffer; modified: number }>();
  const uploads = new Map<string, Buffer[]>();
  const fake: FakeS3 = {
    url: '',
    objects,
    uploads,
    log: [],
    refused: 0,
    largestBody: 0,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
  const signedOk = (req: IncomingMessage, body: Buffer): boolean => {
    const auth = String(req.headers.authorization ?? '');
    const m =
      /^AWS4-HMAC-SHA256 Credential=([^/]+)\/\d{8}\/([^/]+)\/s3\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
        auth,
      );
    if (!m || m[1] !== opts.accessKeyId || m[2] !== opts.region) return false;
    const sha = String(req.headers['x-amz-content-sha256'] ?? '');
    if (sha !== createHash('sha256').update(body).digest('hex')) return false;
    const headers: Record<string, string> = {};
    for (const h of m[3]!.split(';')) headers[h] = String(req.headers[h] ?? '');
    const signed = aws4.sign(
      {
        host: headers['host'] ?? '',
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        service: 's3',
        region: opts.region,
        headers,
      },
      { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey },
    );
    const want = String(signed.headers?.['Authorization'] ?? '');
    return want.endsWith(`Signature=${m[4]}`);
  };

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    fake.largestBody = Math.max(fake.largestBody, body.length);
    const u = new URL(req.url ?? '/', 'http://x');
    fake.log.push(`${req.method} ${u.pathname}${u.search}`);
    if (!signedOk(req, body)) {
      fake.refused++;
      return res.writeHead(403).end(xml('<Error><Code>SignatureDoesNotMatch</Code></Error>'));
    }
    const prefix = `/${opts.bucket}`;
    if (!u.pathname.startsWith(prefix))
      return res.writeHead(404).end(xml('<Error><Code>NoSuchBucket</Code></Error>'));
    const key = decodeURIComponent(u.pathname.slice(prefix.length + 1));
    const q = u.searchParams;
    const uploadId = q.get('uploadId');
    if (req.method === 'GET' && key === '' && q.get('list-type') === '2') {
      const p = q.get('prefix') ?? '';
      const list = [...objects].filter(([k]) => k.startsWith(p));
      const contents = list
        .map(
          ([k, o]) =>
            `<Contents><Key>${k}</Key><LastModified>${new Date(o.modified).toISOString()}</LastModified><Size>${o.body.length}</Size></Contents>`,
        )
        .join('');
      return res.end(
        xml(
          `<ListBucketResult><Name>${opts.bucket}</Name>${contents}<IsTruncated>false</IsTruncated></ListBucketResult>`,
        ),
      );
    }
    if (req.method === 'POST' && q.has('uploads')) {
      const id = randomBytes(8).toString('hex');
      uploads.set(id, []);
      return res.end(
        xml(
          `<InitiateMultipartUploadResult><Key>${key}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`,
        ),
      );
    }
    if (uploadId !== null) {
      const parts = uploads.get(uploadId);
      if (!parts) return res.writeHead(404).end(xml('<Error><Code>NoSuchUpload</Code></Error>'));
      if (req.method === 'PUT') {
        const n = Number(q.get('partNumber'));
        parts[n - 1] = body;
        return res.writeHead(200, { etag: `"${createHash('md5').update(body).digest('hex')}"` }).end();
      }
      if (req.method === 'DELETE') {
        uploads.delete(uploadId);
        return res.writeHead(204).end();
      }
      // Complete: every part but the last at least 5 MiB, as S3 requires.
      if (parts.slice(0, -1).some((p) => p.length < 5 * 1024 * 1024)) {
        return res.writeHead(400).end(xml('<Error><Code>EntityTooSmall</Code></Error>'));
      }
      uploads.delete(uploadId);
      objects.set(key, { body: Buffer.concat(parts), modified: Date.now() });
      return res.end(xml(`<CompleteMultipartUploadResult><Key>${key}</Key></CompleteMultipartUploadResult>`));
    }
    if (req.method === 'PUT') {
      objects.set(key, { body, modified: Date.now() });
      return res.writeHead(200, { etag: '"x"' }).end();
    }
    if (req.method === 'DELETE') {
      objects.delete(key);
      return res.writeHead(204).end();
    }
    const o = objects.get(key);
    if (!o) return res.writeHead(404).end(xml('<Error><Code>NoSuchKey</Code></Error>'));
    const range = /^bytes=(\d+)-(\d+)$/.exec(String(req.headers.range ?? ''));
    if (range) {
      const [start, end] = [Number(range[1]), Math.min(Number(range[2]), o.body.length - 1)];
      res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${o.body.length}` });
      return res.end(o.body.subarray(start, end + 1));
    }
    res.writeHead(200, { 'content-length': o.body.length });
    res.end(o.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
