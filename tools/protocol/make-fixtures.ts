/**
 * Small MedIMeta-format dataset folders for trying the reference trainer end to end: four datasets in four
 * domains (two gray, two RGB), with train, val and test splits, written as DIR/<id>/ (images.hdf5 only).
 * The fixture generator (src/data/medimeta/fixture, as tools/medimeta-fixture/cli.mjs uses it) makes the
 * files; the images are then given a pattern that depends on the `disease class` label (horizontal
 * stripes, vertical stripes, a checkerboard) over the generated picture, so that training has something
 * to learn. Everything is deterministic.
 *
 *   npx tsx tools/protocol/make-fixtures.ts --out DIR [--n 300]
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateFixture, writeHdf5Images, type FixtureSpec } from '../../src/data/medimeta/fixture';

const DATASETS: Pick<FixtureSpec, 'id' | 'channels' | 'domain'>[] = [
  { id: 'fa', channels: 1, domain: 'Chest X-ray' },
  { id: 'fb', channels: 1, domain: 'OCT' },
  { id: 'fc', channels: 3, domain: 'Dermatoscopy' },
  { id: 'fd', channels: 3, domain: 'Microscopy' },
];

function pattern(v: number, y: number, x: number): number {
  if (v === 0) return (y >> 3) & 1;
  if (v === 1) return (x >> 3) & 1;
  return ((x >> 4) ^ (y >> 4)) & 1;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const out = get('--out');
  if (!out) throw new Error('usage: npx tsx tools/protocol/make-fixtures.ts --out DIR [--n 300]');
  const n = Number(get('--n') ?? 300);
  const train = Math.round(n * 0.5);
  const val = Math.round(n * 0.25);
  for (const [k, d] of DATASETS.entries()) {
    const fx = await generateFixture({
      ...d,
      n,
      seed: 11 + k,
      splitSizes: { train, val, test: n - train - val },
      tiff: false,
      name: `Reference-trainer fixture ${d.id}`,
    });
    const px = fx.truth.pixels;
    const c = d.channels;
    const labels = fx.truth.labels['disease class'] as Int32Array;
    const S = 224;
    for (let i = 0; i < n; i++) {
      const v = labels[i] as number;
      for (let y = 0; y < S; y++)
        for (let x = 0; x < S; x++)
          for (let ch = 0; ch < c; ch++) {
            const at = ((i * S + y) * S + x) * c + ch;
            px[at] = Math.min(255, ((px[at] as number) >> 1) + 110 * pattern(v, y, x) + 10 * ch);
          }
    }
    fx.files.set('images.hdf5', await writeHdf5Images(px, n, S, S, c, {}));
    const dir = join(out, d.id);
    for (const [p, bytes] of fx.files) {
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), bytes);
    }
    console.log(
      `${dir}: ${fx.files.size} files (${d.domain}, C=${c}, ${n} images: ${train}/${val}/${n - train - val})`,
    );
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
