/**
 * A small PNG reader for the chart tests: checks the signature and every chunk's CRC, inflates the
 * image data and undoes the row filters, so a test can look at pixels without an image library.
 */
import { crc32, inflateSync } from 'node:zlib';

/** A decoded 8-bit RGB or RGBA PNG. */
export interface DecodedPng {
  readonly width: number;
  readonly height: number;
  readonly channels: 3 | 4;
  /** Row-major samples, `channels` per pixel. */
  readonly pixels: Uint8Array;
}

/** The eight bytes every PNG starts with. */
export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Decodes a non-interlaced 8-bit RGB/RGBA PNG; throws on anything malformed. */
export function decodePng(png: Buffer): DecodedPng {
  if (!png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG: bad signature');
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels: 3 | 4 = 4;
  const data: Buffer[] = [];
  let ended = false;
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    const crc = png.readUInt32BE(offset + 8 + length);
    if (crc32(png.subarray(offset + 4, offset + 8 + length)) !== crc) throw new Error(`bad CRC in ${type}`);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      if (body[8] !== 8) throw new Error(`bit depth ${body[8]} not supported`);
      if (body[9] !== 2 && body[9] !== 6) throw new Error(`colour type ${body[9]} not supported`);
      if (body[12] !== 0) throw new Error('interlaced PNG not supported');
      channels = body[9] === 2 ? 3 : 4;
    } else if (type === 'IDAT') {
      data.push(body);
    } else if (type === 'IEND') {
      ended = true;
      break;
    }
    offset += 12 + length;
  }
  if (!ended) throw new Error('PNG has no IEND chunk');
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * channels;
  if (raw.length !== (stride + 1) * height) {
    throw new Error(`image data is ${raw.length} bytes, expected ${(stride + 1) * height}`);
  }
  const pixels = new Uint8Array(stride * height);
  for (let row = 0; row < height; row += 1) {
    const filter = raw[row * (stride + 1)];
    for (let column = 0; column < stride; column += 1) {
      const value = raw[row * (stride + 1) + 1 + column] ?? 0;
      const left = column >= channels ? (pixels[row * stride + column - channels] ?? 0) : 0;
      const up = row > 0 ? (pixels[(row - 1) * stride + column] ?? 0) : 0;
      const upLeft =
        row > 0 && column >= channels ? (pixels[(row - 1) * stride + column - channels] ?? 0) : 0;
      let predicted: number;
      if (filter === 0) predicted = 0;
      else if (filter === 1) predicted = left;
      else if (filter === 2) predicted = up;
      else if (filter === 3) predicted = (left + up) >> 1;
      else if (filter === 4) predicted = paeth(left, up, upLeft);
      else throw new Error(`unknown filter ${filter}`);
      pixels[row * stride + column] = (value + predicted) & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

function paeth(left: number, up: number, upLeft: number): number {
  const estimate = left + up - upLeft;
  const toLeft = Math.abs(estimate - left);
  const toUp = Math.abs(estimate - up);
  const toUpLeft = Math.abs(estimate - upLeft);
  if (toLeft <= toUp && toLeft <= toUpLeft) return left;
  return toUp <= toUpLeft ? up : upLeft;
}

/** Counts pixels in a rectangle darker than `threshold` on every channel (text and lines on white). */
export function countDarkPixels(
  image: DecodedPng,
  box: { x: number; y: number; width: number; height: number },
  threshold = 128,
): number {
  let dark = 0;
  for (let y = box.y; y < Math.min(image.height, box.y + box.height); y += 1) {
    for (let x = box.x; x < Math.min(image.width, box.x + box.width); x += 1) {
      const at = (y * image.width + x) * image.channels;
      if (
        (image.pixels[at] ?? 255) < threshold &&
        (image.pixels[at + 1] ?? 255) < threshold &&
        (image.pixels[at + 2] ?? 255) < threshold
      ) {
        dark += 1;
      }
    }
  }
  return dark;
}
