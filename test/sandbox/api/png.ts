import { encodePng } from '../../../app/electron/icon-png';

/** Encodes an RGB image (`pixel(x, y)` -> [r, g, b]) as a PNG. */
function encodeRgbPng(
  width: number,
  height: number,
  pixel: (x: number, y: number) => [number, number, number],
): Buffer {
  const pixels = Buffer.alloc(width * height * 3);
  let offset = 0;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const [r, g, b] = pixel(x, y);
      pixels[offset++] = r;
      pixels[offset++] = g;
      pixels[offset++] = b;
    }
  }
  return encodePng(width, height, 3, pixels);
}

/** A synthetic ABHA card image: a header band and a pattern derived from the ABHA number. */
export function abhaCardPng(abhaNumber: string): Buffer {
  const digits = abhaNumber.replace(/\D/g, '');
  return encodeRgbPng(320, 200, (x, y) => {
    if (y < 40) return [11, 79, 138];
    if (y > 150 && y < 170 && x > 20 && x < 300) {
      const d = Number(digits[Math.floor((x - 20) / 20) % digits.length] ?? 0);
      return (x + d) % 4 < 2 ? [30, 30, 30] : [255, 255, 255];
    }
    if (x > 20 && x < 90 && y > 60 && y < 140) return [200, 210, 220];
    return [250, 250, 246];
  });
}
