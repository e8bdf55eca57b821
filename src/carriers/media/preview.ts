/**
 * The small preview of a picture that a file-transfer attachment may carry: a "very low quality"
 * image shown until the file is downloaded, `{content-type, content: base64}`
 * (https://doc.acrobits.net/api/client/x-acro-filetransfer.html).
 *
 * Made with sharp (libvips; https://sharp.pixelplumbing.com): its prebuilt binaries come as npm
 * packages (`@img/sharp-linux-x64`, about 17 MB, installed in 5 s with no other network), it loads in
 * about 0.1 s and shrinks a 12-megapixel JPEG in tens of milliseconds with shrink-on-load, where a
 * pure-JS decoder (jimp) decodes every pixel in JavaScript, seconds and hundreds of MB for the same.
 */
import type { Readable } from 'node:stream';
import sharp from 'sharp';
import type { MakePreview } from '../../app/inbound-media.js';

/** Longest side of a preview, pixels, and its JPEG quality: a few kB of base64. */
const SIDE = 96;
const QUALITY = 50;
/** Pictures above this many pixels are not decoded (a decompression bomb). */
const MAX_PIXELS = 50_000_000;

export const makePreview: MakePreview = async (picture: Readable) => {
  const resize = sharp({ limitInputPixels: MAX_PIXELS, failOn: 'error' })
    .rotate()
    .resize(SIDE, SIDE, { fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: QUALITY });
  picture.on('error', (err) => resize.destroy(err));
  picture.pipe(resize);
  const jpeg = await resize.toBuffer();
  return { 'content-type': 'image/jpeg', content: jpeg.toString('base64') };
};
