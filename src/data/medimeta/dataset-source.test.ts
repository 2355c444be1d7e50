import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { filesSource, locateRoot, memorySource, urlSource, zipSource } from './dataset-source';
import { generateFixture, zipFiles, type Fixture } from './fixture';
import { ValidationError } from './problems';
import { serveFiles, type TestServer } from './test-server';
import { firstDiff } from './test-util';

let fx: Fixture;
beforeAll(async () => {
  fx = await generateFixture({ id: 'oct', n: 5, channels: 1, seed: 4 });
});
const blobOf = (b: Uint8Array) => new Blob([b as Uint8Array<ArrayBuffer>]);

describe('locateRoot', () => {
  test('root files, <id>/, nested, none, ambiguous, __MACOSX ignored', () => {
    expect(locateRoot(['info.yaml', 'images.hdf5'], 'oct.zip')).toEqual({ root: '', name: 'oct' });
    expect(
      locateRoot(['oct/info.yaml', 'oct/images.hdf5', '__MACOSX/oct/._info.yaml', '__MACOSX/oct/info.yaml'], 'x.zip'),
    ).toEqual({ root: 'oct/', name: 'oct' });
    expect(locateRoot(['all/oct/info.yaml', 'all/oct/splits/test.txt'], 'x.zip')).toEqual({
      root: 'all/oct/',
      name: 'oct',
    });
    expect(locateRoot(['oct/images.hdf5', 'oct/splits/test.txt'], 'x.zip')).toEqual({ root: 'oct/', name: 'oct' });
    expect(() => locateRoot(['a/info.yaml', 'b/info.yaml'], 'two.zip')).toThrow(ValidationError);
    expect(() => locateRoot(['a/info.yaml', 'b/info.yaml'], 'two.zip')).toThrow(
      /two\.zip: expected one dataset folder \(one info\.yaml\), found 2: a\/info\.yaml, b\/info\.yaml/,
    );
  });
});

describe('sources give the same files', () => {
  const expectSame = async (src: Awaited<ReturnType<typeof zipSource>>) => {
    expect(src.name).toBe('oct');
    expect(await src.list()).toEqual([...fx.files.keys()].sort());
    expect(await src.has('info.yaml')).toBe(true);
    expect(await src.has('nope')).toBe(false);
    expect(await src.readText('LICENSE')).toMatch(/Creative Commons/);
    for (const p of ['task_labels/disease labels.npy', 'images/000004.tiff']) {
      expect(firstDiff(await src.readBytes(p), fx.files.get(p) as Uint8Array)).toBe(-1);
    }
    const h = await src.blob('images.hdf5');
    expect(firstDiff(new Uint8Array(await h.arrayBuffer()), fx.files.get('images.hdf5') as Uint8Array)).toBe(-1);
    await expect(src.readBytes('missing.txt')).rejects.toThrow(/\noct\/missing\.txt: expected a file, found nothing/);
    expect(src.display('info.yaml')).toBe('oct/info.yaml');
  };

  test('zip (root folder) and zip (files at the root, named after the archive)', async () => {
    await expectSame(await zipSource(blobOf(await zipFiles(fx.files, { root: 'oct' })), { name: 'whatever.zip' }));
    const flat = await zipSource(blobOf(await zipFiles(fx.files)), { name: 'oct.zip' });
    await expectSame(flat);
  });

  test('folder picker Files (webkitRelativePath-style paths, parent folder picked)', async () => {
    const files = [...fx.files].map(([p, b]) => ({ path: `downloads/oct/${p}`, file: blobOf(b) }));
    files.push({ path: 'downloads/oct/.DS_Store', file: blobOf(new Uint8Array(3)) });
    const src = filesSource(files);
    await expectSame(src);
    expect(src.blobIsLazy('images.hdf5')).toBe(true);
    const named = filesSource([new File([fx.files.get('info.yaml') as Uint8Array<ArrayBuffer>], 'info.yaml')], 'oct');
    expect(await named.list()).toEqual(['info.yaml']);
  });

  test('memory', async () => {
    await expectSame(memorySource(fx.files, 'oct'));
  });

  describe('a served folder', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await serveFiles(new Map([...fx.files].map(([p, b]) => [`medimeta/oct/${p}`, b])), { ranges: true });
    });
    afterAll(async () => server.close());
    test('lists what the format names, found with HEAD requests', async () => {
      await expectSame(await urlSource(`${server.url}/medimeta/oct/`));
    });
  });
});
