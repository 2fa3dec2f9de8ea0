/**
 * Draws the app and tray icons as PNG bytes: a blue disc with a white "e"
 * stroke and, for the tray, a status dot. No image files or native image
 * libraries needed, so the same code makes the packaged icons and the tray's.
 */
import { deflateSync } from 'node:zlib';

export type IconStatus = 'signed-out' | 'signed-in' | 'problem' | 'none';

type Rgba = [number, number, number, number];

const BLUE: Rgba = [11, 92, 173, 255];
const WHITE: Rgba = [255, 255, 255, 255];
const DOT: Record<Exclude<IconStatus, 'none'>, Rgba> = {
  'signed-in': [22, 163, 74, 255],
  'signed-out': [120, 130, 140, 255],
  problem: [220, 38, 38, 255],
};

/** The colour of the icon at (x, y) in a unit square, or transparent. */
function shade(x: number, y: number, status: IconStatus): Rgba | null {
  const dx = x - 0.5;
  const dy = y - 0.5;
  const r = Math.hypot(dx, dy);
  if (status !== 'none') {
    const ddx = x - 0.78;
    const ddy = y - 0.78;
    const dr = Math.hypot(ddx, ddy);
    if (dr < 0.2) return DOT[status];
    if (dr < 0.26) return null;
  }
  if (r > 0.48) return null;
  // The "e": a ring open at the lower right, with a horizontal bar.
  const angle = Math.atan2(dy, dx);
  const inRing = r > 0.2 && r < 0.31;
  const gap = angle > 0.15 && angle < 0.95;
  const bar = Math.abs(dy) < 0.05 && dx > -0.28 && dx < 0.28;
  if ((inRing && !gap) || bar) return WHITE;
  return BLUE;
}

/** An RGBA PNG of `size`×`size` pixels. */
export function drawIconPng(size: number, status: IconStatus = 'none'): Buffer {
  const samples = 4;
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const c = shade((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size, status);
          if (!c) continue;
          r += c[0] * c[3];
          g += c[1] * c[3];
          b += c[2] * c[3];
          a += c[3];
        }
      }
      const o = (py * size + px) * 4;
      if (a > 0) {
        pixels[o] = Math.round(r / a);
        pixels[o + 1] = Math.round(g / a);
        pixels[o + 2] = Math.round(b / a);
      }
      pixels[o + 3] = Math.round(a / (samples * samples));
    }
  }
  return encodePng(size, size, 4, pixels);
}

/**
 * Encodes 8-bit pixels as a PNG: `channels` 3 for RGB or 4 for RGBA, rows top
 * to bottom with no padding (`width * height * channels` bytes).
 */
export function encodePng(width: number, height: number, channels: 3 | 4, pixels: Buffer): Buffer {
  const stride = width * channels;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    // Each scanline starts with filter type 0 (none).
    pixels.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = channels === 4 ? 6 : 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length, 0);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body), 0);
  return Buffer.concat([length, body, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
