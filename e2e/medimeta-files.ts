import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import type { Page } from '@playwright/test';
import { checksum } from '../src/core/checksum';
import { SPLITS } from '../src/core/types';
import type { FixtureTruth } from '../src/data/medimeta/fixture';
import { expect } from './fixtures';

/** A fresh temporary folder for a test's generated MedIMeta files. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'protobench-medimeta-'));
}

/** Write a dataset's files under `<dir>/<id>/`. */
export function writeFolder(dir: string, id: string, files: Map<string, Uint8Array>): string {
  for (const [p, bytes] of files) {
    const path = join(dir, id, p);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
  }
  return join(dir, id);
}

/**
 * A static file server on loopback with HTTP Range support, CORS and CORP headers (the page is
 * cross-origin isolated, so a cross-origin fetch needs both). `ranges: false` ignores Range headers.
 */
export async function serveFolder(
  root: string,
  opts: { ranges?: boolean } = {},
): Promise<{ url: string; close: () => Promise<void>; rangeRequests: () => number }> {
  let ranged = 0;
  const server: Server = createServer((req, res) => {
    const path = normalize(join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', 'Range');
    res.setHeader('Access-Control-Expose-Headers', 'Content-Range, Content-Length, Accept-Ranges');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    let st;
    try {
      st = statSync(path);
    } catch {
      return void res.writeHead(404).end();
    }
    if (!path.startsWith(root) || !st.isFile()) return void res.writeHead(404).end();
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (opts.ranges !== false) res.setHeader('Accept-Ranges', 'bytes');
    if (range && opts.ranges !== false) {
      ranged++;
      const start = Number(range[1]);
      const end = range[2] ? Math.min(Number(range[2]), st.size - 1) : st.size - 1;
      res.writeHead(206, { 'Content-Range': `bytes ${start}-${end}/${st.size}`, 'Content-Length': end - start + 1 });
      if (req.method === 'HEAD') return void res.end();
      return void res.end(readFileSync(path).subarray(start, end + 1));
    }
    res.writeHead(200, { 'Content-Length': st.size });
    if (req.method === 'HEAD') return void res.end();
    res.end(readFileSync(path));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((r) => server.close(() => r())),
    rangeRequests: () => ranged,
  };
}

/** Check a stored dataset against the generator's truth: info, every count, label, split and pixel. */
export async function expectStoredEquals(page: Page, id: string, truth: FixtureTruth): Promise<void> {
  const m = await page.evaluate((i) => window.protobench.data.getDataset(i), id);
  const t = truth.info;
  expect(m).toMatchObject({
    id,
    name: t.name,
    domain: t.domain,
    channels: t.channels,
    numImages: t.numImages,
    splitSizes: t.splitSizes,
    tasks: t.tasks,
    domainOverlaps: t.domainOverlaps,
    source: 'imported',
  });
  expect(m.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
  const splits = await page.evaluate(
    (i) =>
      window.protobench.data.getSplits(i).then((s) => ({ train: [...s.train], val: [...s.val], test: [...s.test] })),
    id,
  );
  for (const s of SPLITS) expect(splits[s], `split ${s}`).toEqual([...truth.splits[s]]);
  for (const task of t.tasks) {
    const labels = await page.evaluate(([i, n]) => window.protobench.data.getLabels(i, n).then((l) => [...l]), [
      id,
      task.name,
    ] as const);
    expect(labels, `labels of ${task.name}`).toEqual(Array.from(truth.labels[task.name] as ArrayLike<number>));
  }
  // Every pixel, through the real path to the device, in index order.
  const all = Array.from({ length: t.numImages }, (_, i) => i);
  const r = await page.evaluate(
    ([i, idx]) => window.protobench.compute.streamToDevice(i, Uint32Array.from(idx), { batchSize: 16, verify: true }),
    [id, all] as const,
  );
  expect(r.checksum, `pixels of ${id}`).toBe(checksum(truth.pixels));
}
