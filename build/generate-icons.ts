// Writes the packaged app icons (build/icon.png, build/icons/NxN.png) and the
// tray icons for the README. Run: npx tsx build/generate-icons.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drawIconPng } from '../app/electron/icon-png';

const here = dirname(fileURLToPath(import.meta.url));
mkdirSync(join(here, 'icons'), { recursive: true });
mkdirSync(join(here, 'tray'), { recursive: true });
writeFileSync(join(here, 'icon.png'), drawIconPng(1024));
for (const size of [16, 32, 48, 64, 128, 256, 512]) {
  writeFileSync(join(here, 'icons', `${size}x${size}.png`), drawIconPng(size));
}
for (const status of ['signed-out', 'signed-in', 'problem'] as const) {
  writeFileSync(join(here, 'tray', `${status}.png`), drawIconPng(32, status));
}
