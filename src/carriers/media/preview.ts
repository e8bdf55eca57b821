/**
 * The small preview of a picture that a file-transfer attachment may carry: a "very low quality"
 * image shown until the file is downloaded, `{content-type, content: base64}`
 * (https://doc.acrobits.net/api/client/x-acro-filetransfer.html).
 *
 * Made with sharp (libvips; https://sharp.pixelplumbing.com): its prebuilt binaries come as npm
 * packages (`@img/sharp-linux-x64`, about 17 MB, installed in 5 s with no other network), it loads in
 * about 0.1 s and shrinks a 12-megapixel JPEG in tens of milliseconds with shrink-on-load, where a
 * pure-JS decoder (jimp) decodes every pixel in JavaScript, seconds and hundreds of MB for the same.
 *
 * sharp is imported at the first preview, not when the server starts: libvips alone is 7 MB of a
 * server's resident memory, and its JavaScript 1.7 MB of heap, that a server without inbound picture
 * messages never uses (docs/benchmarks.md, "Peak RSS under 200 MB"). If it cannot be loaded, every preview fails with
 * `PreviewsUnavailable` (the message is stored without one), and the caller says so in the log.
 */
import type { Readable } from 'node:stream';
import type Sharp from 'sharp';
import type { MakePreview } from '../../app/inbound-media.js';

/** sharp could not be loaded (a missing or foreign native binary): no preview can be made. */
export class PreviewsUnavailable extends Error {}

let loaded: Promise<typeof Sharp> | undefined;

/** sharp, imported once; a failed import is kept, so later previews fail at once with the same cause. */
function loadSharp(): Promise<typeof Sharp> {
  loaded ??= import('sharp').then(
    (m) => m.default,
    (err: unknown) => {
      throw new PreviewsUnavailable(`sharp could not be loaded: ${(err as Error).message}`, { cause: err });
    },
  );
  return loaded;
}

/** Longest side of a preview, pixels, and its JPEG quality: a few kB of base64. */
const SIDE = 96;
const QUALITY = 50;
/** Pictures above this many pixels are not decoded (a decompression bomb). */
const MAX_PIXELS = 50_000_000;

export const makePreview: MakePreview = async (picture: Readable) => {
  // The picture's stream is open already: an error while sharp loads is kept, not left unhandled.
  let early: Error | undefined;
  const keep = (err: Error) => {
    early = err;
  };
  picture.on('error', keep);
  const sharp = await loadSharp();
  picture.off('error', keep);
  if (early) throw early;
  const resize = sharp({ limitInputPixels: MAX_PIXELS, failOn: 'error' })
    .rotate()
    .resize(SIDE, SIDE, { fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: QUALITY });
  picture.on('error', (err) => resize.destroy(err));
  picture.pipe(resize);
  const jpeg = await resize.toBuffer();
  return { 'content-type': 'image/jpeg', content: jpeg.toString('base64') };
};
