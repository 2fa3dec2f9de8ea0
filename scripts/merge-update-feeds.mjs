// Gathers the release workflow's artifacts into one folder for the draft
// release. Each Mac architecture is built on its own runner and writes its own
// latest-mac.yml; electron-updater reads one, so their `files` are merged.
//
//   node scripts/merge-update-feeds.mjs ARTIFACTS_DIR OUT_DIR
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';

// js-yaml is what electron-builder writes the feeds with.
const require = createRequire(createRequire(import.meta.url).resolve('app-builder-lib/package.json'));
const yaml = require('js-yaml');

const [from, to] = process.argv.slice(2);
if (!from || !to) {
  console.error('usage: node scripts/merge-update-feeds.mjs ARTIFACTS_DIR OUT_DIR');
  process.exit(2);
}

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}

mkdirSync(to, { recursive: true });
const macFeeds = [];
for (const file of walk(from)) {
  if (basename(file) === 'latest-mac.yml') macFeeds.push(yaml.load(readFileSync(file, 'utf8')));
  else copyFileSync(file, join(to, basename(file)));
}

if (macFeeds.length > 0) {
  const versions = new Set(macFeeds.map((feed) => feed.version));
  if (versions.size !== 1) {
    console.error(`the Mac builds disagree on the version: ${[...versions].join(', ')}`);
    process.exit(1);
  }
  const files = new Map();
  for (const feed of macFeeds) for (const entry of feed.files ?? []) files.set(entry.url, entry);
  const [first] = macFeeds;
  const merged = {
    ...first,
    files: [...files.values()],
    releaseDate: macFeeds
      .map((feed) => feed.releaseDate)
      .sort()
      .at(-1),
  };
  writeFileSync(join(to, 'latest-mac.yml'), yaml.dump(merged, { lineWidth: -1 }));
  console.log(`latest-mac.yml: ${merged.files.length} files from ${macFeeds.length} builds`);
}
console.log(`release files in ${to}: ${readdirSync(to).length}`);
