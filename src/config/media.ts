/**
 * The media store and its URLs (docs/media.md): where files are served from, how long URLs and files
 * live, and what an account may upload.
 */
import { type Static, Type } from 'typebox';

const MIB = 1024 * 1024;

/** An S3-compatible bucket (`media.store: "s3"`). */
const S3 = Type.Object(
  {
    endpoint: Type.String({
      pattern: '^https?://[^/\\s]+(/\\S*)?$',
      hint: 'must be a scheme and host, like https://s3.eu-west-1.amazonaws.com',
      description:
        'The S3 endpoint: `https://s3.<region>.amazonaws.com`, or a self-hosted one (`http://minio:9000`).',
    }),
    region: Type.String({
      minLength: 1,
      default: 'us-east-1',
      description: 'The region signed into each request (SigV4).',
    }),
    bucket: Type.String({ minLength: 1, description: 'The bucket holding the files.' }),
    accessKeyId: Type.String({ minLength: 1, description: 'Access key id.' }),
    secretAccessKey: Type.String({ minLength: 1, secret: true, description: 'Secret access key.' }),
    prefix: Type.String({
      default: 'media/',
      description:
        'Prefix of every object key (`<prefix><id>`); objects under it without a row are removed as orphans.',
    }),
    forcePathStyle: Type.Boolean({
      default: false,
      description:
        'Address objects as `<endpoint>/<bucket>/<key>` (MinIO and most self-hosted servers) instead of `<bucket>.<endpoint host>/<key>`.',
    }),
    timeoutMs: Type.Integer({
      minimum: 1000,
      maximum: 600_000,
      default: 30_000,
      description: "Time allowed for each S3 request's answer, and again between body chunks, ms.",
    }),
  },
  {
    additionalProperties: false,
    noun: 'media s3',
    description: 'The S3-compatible bucket of `media.store: "s3"`.',
  },
);

export const Media = Type.Object(
  {
    store: Type.Union([Type.Literal('fs'), Type.Literal('s3')], {
      default: 'fs',
      description:
        'Where files are kept: `fs` under `<dataDir>/media`, or `s3` in the bucket of `media.s3` (shared by several instances). Metadata is in the database either way.',
    }),
    s3: Type.Optional(S3),
    publicUrl: Type.String({
      pattern: '^(https?://[^/\\s]+(/\\S*)?)?$',
      hint: 'must be a scheme and host, and optionally a path, like https://media.example.com',
      default: '',
      description:
        "Base of the media URLs handed out (`<base>/media/<id>?exp=…&sig=…`); empty = `server.publicUrl`, and when that is empty too, the upload request's own scheme and `Host`.",
    }),
    secret: Type.String({
      default: '',
      secret: true,
      description:
        'HMAC-SHA256 key that signs media URLs (at least 32 characters advised). Empty = a random secret generated once and kept in the database, so every instance on one database signs alike and URLs survive restarts.',
    }),
    urlTtlSec: Type.Integer({
      minimum: 60,
      maximum: 10 * 365 * 86400,
      default: 30 * 86400,
      description: "How long an upload's URL stays valid, seconds (default 30 days).",
    }),
    maxFileBytes: Type.Integer({
      minimum: 1,
      maximum: 2 ** 40,
      default: 25 * MIB,
      description:
        'Largest file accepted, bytes (default 25 MiB); a larger upload gets 413 and nothing is stored.',
    }),
    quotaBytes: Type.Integer({
      minimum: 0,
      maximum: 2 ** 50,
      default: 500 * MIB,
      description:
        'Bytes of media one account may hold (default 500 MiB); an upload past it gets 413. 0 = no quota.',
    }),
    allowedTypes: Type.Array(Type.String({ minLength: 1, maxLength: 255 }), {
      default: [
        'image/*',
        'video/*',
        'audio/*',
        'application/pdf',
        'text/vcard',
        'text/x-vcard',
        'text/plain',
      ],
      description:
        'Content types an upload may have: exact (`application/pdf`) or a whole family (`image/*`); others get 415. Compared without parameters, case-insensitively.',
    }),
    retentionDays: Type.Integer({
      minimum: 0,
      maximum: 36500,
      default: 30,
      description:
        'Media older than this many days is deleted (files and rows) by a sweep that runs at start and then every `sweepIntervalSec` in the server and the worker; 0 = kept for ever.',
    }),
    inboundTimeoutMs: Type.Integer({
      minimum: 1000,
      maximum: 600_000,
      default: 60_000,
      description:
        "Time allowed to fetch one file of a carrier's inbound picture message (headers, and again the body), ms.",
    }),
    inboundRetryDelaysSec: Type.Array(Type.Integer({ minimum: 1, maximum: 86_400 }), {
      maxItems: 20,
      default: [30, 300, 1800],
      description:
        "Waits before fetching an inbound picture message's media again after a failure, seconds; after the last, the message is delivered with its text and a line saying an attachment could not be retrieved.",
    }),
    orphanGraceSec: Type.Integer({
      minimum: 60,
      maximum: 30 * 86400,
      default: 86400,
      description:
        "Files with no metadata row (left by a crash between a delete's two steps, or an interrupted store) older than this are removed by the retention sweep, seconds.",
    }),
    sweepIntervalSec: Type.Integer({
      minimum: 10,
      maximum: 7 * 86400,
      default: 3600,
      description: 'How often the retention sweep runs, seconds.',
    }),
    fetchTimeoutMs: Type.Integer({
      minimum: 100,
      maximum: 600_000,
      default: 30_000,
      description:
        "Picture messages to carriers: time allowed to download one attachment from its `content-url` (the app's storage), whole, ms; past it the message is refused as unreachable.",
    }),
    mmsUrlTtlSec: Type.Integer({
      minimum: 60,
      maximum: 365 * 86400,
      default: 7 * 86400,
      description:
        'Picture messages to carriers: how long the media URL handed to an MMS carrier stays valid, seconds (default 7 days: carriers fetch at once, but may fetch again while they retry the handset).',
    }),
    mmsFallback: Type.Enum(['link', 'refuse'], {
      default: 'link',
      description:
        'A picture message routed to a carrier that cannot send MMS: `link` sends the caption and one link per file as text (the decrypted file, served by textbridge, valid for `urlTtlSec`); `refuse` skips such carriers of the route, and with none left fails the message with 502 "Picture messages cannot be sent to this number".',
    }),
  },
  {
    additionalProperties: false,
    noun: 'media',
    default: {},
    description: 'The media store: signed download URLs, the upload service, quotas and retention.',
  },
);

export type MediaConfig = Static<typeof Media>;
