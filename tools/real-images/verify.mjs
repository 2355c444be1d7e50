#!/usr/bin/env node
/* global process, console */
/**
 * Import every dataset folder under DIR with the app's own reader (src/data/medimeta/read-dataset.ts,
 * loaded through Vite's SSR loader as tools/medimeta-fixture/cli.mjs does), stream all images, and
 * print the images per class and split of every task. Exits 1 when a folder does not import.
 *
 *   node tools/real-images/verify.mjs [DIR]     (default .protobench/real-images)
 */
import { openAsBlob, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = resolve(process.argv[2] ?? join(root, '.protobench/real-images'));

function walk(d) {
  return readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
}

async function verify(mm, folder) {
  const files = await Promise.all(
    walk(folder).map(async (p) => ({ path: relative(dirname(folder), p), file: await openAsBlob(p) })),
  );
  const r = await mm.readDataset(mm.filesSource(files));
  let seen = 0;
  for await (const c of r.images) seen += c.count;
  r.close();
  if (seen !== r.info.numImages) throw new Error(`${r.info.id}: streamed ${seen} of ${r.info.numImages} images`);
  const { info } = r;
  console.log(`${info.id}: ${info.domain}, C=${info.channels}, ${info.numImages} images, ${r.imageSource.kind}`);
  for (const t of info.tasks) {
    console.log(`  ${t.name} (${t.target})`);
    for (const l of t.labels) {
      const per = Object.entries(r.splits).map(([s, idx]) => {
        const labels = r.labels[t.name];
        return `${s} ${[...idx].filter((i) => labels[i] === l.value).length}`;
      });
      console.log(`    ${l.value} ${l.name}: ${per.join(', ')}`);
    }
  }
  for (const w of r.warnings) console.log(`  warning: ${w.file} ${w.field} ${w.found}`);
}

const server = await createServer({
  root,
  configFile: false,
  logLevel: 'error',
  server: { middlewareMode: true, hmr: false },
  appType: 'custom',
  optimizeDeps: { noDiscovery: true, include: [] },
});
let failed = 0;
try {
  const mm = {
    ...(await server.ssrLoadModule('/src/data/medimeta/read-dataset.ts')),
    ...(await server.ssrLoadModule('/src/data/medimeta/dataset-source.ts')),
  };
  for (const id of readdirSync(dir).sort()) {
    if (!statSync(join(dir, id)).isDirectory()) continue;
    try {
      await verify(mm, join(dir, id));
    } catch (e) {
      failed++;
      console.log(`${id}: DOES NOT IMPORT: ${e.message}`);
      for (const p of e.problems ?? []) console.log(`  ${p.file} ${p.field}: expected ${p.expected}, found ${p.found}`);
    }
  }
} finally {
  await server.close();
}
process.exit(failed ? 1 : 0);
