import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { classCounts } from '../src/core/class-counts';
import { generateFixture, zipFiles, type Fixture } from '../src/data/medimeta/fixture';
import { DataError, readDataInputs, sweepCatalog } from './catalog';

const made: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'sweep-data-'));
  made.push(d);
  return d;
}
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function folder(dir: string, f: Fixture): void {
  for (const [p, bytes] of f.files) {
    const path = join(dir, f.spec.id, p);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
  }
}

describe('readDataInputs', () => {
  it('reads the zips and dataset folders of --data into catalog entries, without images', async () => {
    const dir = tempDir();
    const a = await generateFixture({ id: 'mm_a', n: 30, channels: 1, seed: 1, domain: 'A' });
    const b = await generateFixture({ id: 'mm_b', n: 20, channels: 3, seed: 2, domain: 'B', hdf5: false });
    writeFileSync(join(dir, 'mm_a.zip'), await zipFiles(a.files, { root: 'mm_a' }));
    folder(dir, b);
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    const inputs = await readDataInputs(dir);
    expect(inputs.map((i) => [i.kind, i.id])).toEqual([
      ['zip', 'mm_a'],
      ['folder', 'mm_b'],
    ]);
    for (const [input, f] of [
      [inputs[0], a],
      [inputs[1], b],
    ] as const) {
      expect(input?.sourceHash).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(input?.catalog.domain).toBe(f.truth.info.domain);
      expect(input?.catalog.splitSizes).toEqual(f.truth.info.splitSizes);
      for (const t of f.truth.info.tasks) {
        const got = input?.catalog.tasks.find((x) => x.name === t.name);
        expect(got?.classCounts, t.name).toEqual(classCounts(t, f.truth.labels[t.name] as never, f.truth.splits));
      }
    }
    // The same bytes hash the same; the catalog holds demo, earlier imports and these.
    expect((await readDataInputs(dir)).map((i) => i.sourceHash)).toEqual(inputs.map((i) => i.sourceHash));
    expect(
      sweepCatalog(true, [], inputs)
        .map((d) => d.id)
        .slice(-2),
    ).toEqual(['mm_a', 'mm_b']);
    expect(sweepCatalog(false, [], inputs).map((d) => d.id)).toEqual(['mm_a', 'mm_b']);
  });

  it('a missing or empty folder, a broken zip, two inputs with one id: errors naming the file', async () => {
    const dir = tempDir();
    await expect(readDataInputs(join(dir, 'nope'))).rejects.toThrow(/--data .*nope: no such folder/);
    await expect(readDataInputs(dir)).rejects.toThrow(/no MedIMeta zips \(\*\.zip\) or dataset folders/);
    writeFileSync(join(dir, 'bad.zip'), 'not a zip');
    await expect(readDataInputs(dir)).rejects.toThrow(DataError);
    await expect(readDataInputs(dir)).rejects.toThrow(/cannot read .*bad\.zip/);
    const two = tempDir();
    const a = await generateFixture({ id: 'mm_a', n: 20, channels: 1, seed: 1 });
    writeFileSync(join(two, 'x.zip'), await zipFiles(a.files, { root: 'mm_a' }));
    folder(two, a);
    await expect(readDataInputs(two)).rejects.toThrow(/both hold dataset id "mm_a"/);
  });
});
