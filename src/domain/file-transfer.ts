/**
 * The Acrobits file-transfer message (`application/x-acro-filetransfer+json`), read liberally:
 * `{"body": caption, "attachments": [{"content-url", "content-type", "content-size", "filename",
 * "encryption-key", "hash", "preview"}]}` (https://doc.acrobits.net/api/client/x-acro-filetransfer.html).
 * Only `content-url` is mandatory; `content-type` is `image/jpeg` when absent, as the page says.
 */

/** One attachment as the app described it, each field checked for its type and otherwise left out. */
export interface Attachment {
  url: string;
  /** As the app gave it, or `image/jpeg` when it gave none. */
  contentType: string;
  /** Bytes, when the app gave a number (or a string of digits). */
  size?: number;
  filename?: string;
  /** Hex AES key (128, 192 or 256 bits) of the download, when it is encrypted. */
  key?: string;
  /** The CRC-32 of the file as the app wrote it (see `crc32Matches`). */
  hash?: string;
}

/** A parsed file transfer: its caption (empty when none) and its attachments with a `content-url`. */
export interface FileTransfer {
  caption: string;
  attachments: Attachment[];
}

/** The default the page names for an attachment without `content-type`. */
export const DEFAULT_ATTACHMENT_TYPE = 'image/jpeg';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The file transfer in `body`, or undefined when it is not one (not JSON, or not an object). The
 * caption is `body`, or `text` as one implementation writes it; attachments without a `content-url`
 * string are dropped.
 */
export function parseFileTransfer(body: string): FileTransfer | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
  const d = doc as Record<string, unknown>;
  const caption = str(d['body']) ?? str(d['text']) ?? '';
  const list = Array.isArray(d['attachments']) ? (d['attachments'] as unknown[]) : [];
  const attachments: Attachment[] = [];
  for (const item of list) {
    if (item === null || typeof item !== 'object') continue;
    const a = item as Record<string, unknown>;
    const url = str(a['content-url']);
    if (!url) continue;
    const rawSize = a['content-size'];
    const size =
      typeof rawSize === 'number'
        ? rawSize
        : typeof rawSize === 'string' && /^\d+$/.test(rawSize)
          ? Number(rawSize)
          : undefined;
    const filename = str(a['filename']);
    const key = str(a['encryption-key']);
    const hash = typeof a['hash'] === 'number' ? String(a['hash']) : str(a['hash']);
    attachments.push({
      url,
      contentType: str(a['content-type']) ?? DEFAULT_ATTACHMENT_TYPE,
      ...(size !== undefined && Number.isFinite(size) ? { size } : {}),
      ...(filename ? { filename } : {}),
      ...(key ? { key } : {}),
      ...(hash ? { hash } : {}),
    });
  }
  return { caption, attachments };
}

/** CRC-32 (ISO-HDLC, the one zlib and PNG use: reflected polynomial 0xEDB88320), fed in chunks. */
const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** The running CRC-32 after `chunk`; start with 0, the result is unsigned. */
export function crc32(chunk: Uint8Array, previous = 0): number {
  let c = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < chunk.length; i++) c = TABLE[(c ^ chunk[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * Does the app's `hash` name this CRC-32? The page's example is decimal digits (`"12638292"`); read
 * liberally: unsigned or signed (a Java `int`) decimal, or hex (8 digits, or 1 to 8 after `0x`). A `hash` in none of these forms matches nothing.
 */
export function crc32Matches(hash: string, crc: number): boolean {
  const h = hash.trim();
  // Eight digits may be either form: both are tried.
  if (/^-?\d{1,10}$/.test(h) && Number(h) >>> 0 === crc) return true;
  const hex = /^0x([0-9a-f]{1,8})$/i.exec(h)?.[1] ?? (/^[0-9a-f]{8}$/i.test(h) ? h : undefined);
  return hex !== undefined && Number.parseInt(hex, 16) === crc;
}
