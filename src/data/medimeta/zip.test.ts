import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generateFixture, notAZip, zipFiles, type Fixture } from './fixture';
import { ValidationError } from './problems';
import { serveFiles, type TestServer } from './test-server';
import { firstDiff } from './test-util';
import { openZip } from './zip';

let fx: Fixture;
beforeAll(async () => {
  fx = await generateFixture({ id: 'bus', n: 6, channels: 1, seed: 11, tiff: false });
});

const blobOf = (b: Uint8Array) => new Blob([b as Uint8Array<ArrayBuffer>]);

describe('openZip', () => {
  test('lists entries under <id>/ and extracts them; zip64 and stored images.hdf5 (lazy slice)', async () => {
    for (const zip64 of [false, true]) {
      const z = await openZip(
        blobOf(await zipFiles(fx.files, { root: 'bus', zip64, hdf5Level: 0, directoryEntries: true })),
        { name: 'bus.zip' },
      );
      expect(z.paths().sort()).toEqual([...fx.files.keys()].map((p) => `bus/${p}`).sort());
      expect(z.entry('bus/images.hdf5')?.zip64).toBe(zip64);
      expect(z.entry('bus/images.hdf5')?.method).toBe(0);
      expect(new TextDecoder().decode(await z.bytes('bus/info.yaml'))).toBe(
        new TextDecoder().decode(fx.files.get('info.yaml')),
      );
      expect(z.blobIsLazy('bus/images.hdf5')).toBe(true);
      const blob = await z.blob('bus/images.hdf5');
      expect(firstDiff(new Uint8Array(await blob.arrayBuffer()), fx.files.get('images.hdf5') as Uint8Array)).toBe(-1);
      await z.close();
    }
  });

  test('a deflated images.hdf5 is inflated into a Blob', async () => {
    const z = await openZip(blobOf(await zipFiles(fx.files, { level: 6 })), { name: 'bus.zip' });
    expect(z.entry('images.hdf5')?.method).toBe(8);
    expect(z.blobIsLazy('images.hdf5')).toBe(false);
    const blob = await z.blob('images.hdf5');
    expect(firstDiff(new Uint8Array(await blob.arrayBuffer()), fx.files.get('images.hdf5') as Uint8Array)).toBe(-1);
    await z.close();
  });

  test('not a zip, and a missing entry, are ValidationErrors', async () => {
    let e: unknown;
    try {
      await openZip(blobOf(notAZip()), { name: 'bus.zip' });
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).problems[0]?.message).toMatch(
      /^bus\.zip: expected a zip archive, found 4096 bytes without a zip directory/,
    );
    const z = await openZip(blobOf(await zipFiles(fx.files)), { name: 'bus.zip' });
    await expect(z.bytes('nope.txt')).rejects.toThrow(
      /bus\.zip\/nope\.txt: expected an entry in the archive, found nothing/,
    );
    await z.close();
  });

  describe('over HTTP (loopback)', () => {
    let ranged: TestServer;
    let plain: TestServer;
    let zipBytes: Uint8Array;
    beforeAll(async () => {
      zipBytes = await zipFiles(fx.files, { root: 'bus', zip64: true });
      ranged = await serveFiles(new Map([['data/bus.zip', zipBytes]]), { ranges: true });
      plain = await serveFiles(new Map([['data/bus.zip', zipBytes]]), { ranges: false });
    });
    afterAll(async () => {
      await ranged.close();
      await plain.close();
    });

    test('with Range support only the needed bytes are fetched', async () => {
      const z = await openZip(`${ranged.url}/data/bus.zip`);
      expect(z.access).toBe('http-range');
      expect(z.name).toBe('bus.zip');
      const y = await z.bytes('bus/task_labels/disease class.npy');
      expect(firstDiff(y, fx.files.get('task_labels/disease class.npy') as Uint8Array)).toBe(-1);
      const h = await z.blob('bus/images.hdf5');
      expect(h.size).toBe((fx.files.get('images.hdf5') as Uint8Array).length);
      expect(ranged.log.every((l) => l.includes('bytes='))).toBe(true);
      await z.close();
    });

    test('without Range support it is one plain download', async () => {
      const z = await openZip(`${plain.url}/data/bus.zip`);
      expect(z.access).toBe('http-download');
      expect(firstDiff(await z.bytes('bus/info.yaml'), fx.files.get('info.yaml') as Uint8Array)).toBe(-1);
      expect(plain.log).toHaveLength(1);
      await z.close();
    });

    test('HTTP errors name the URL', async () => {
      await expect(openZip(`${ranged.url}/data/none.zip`)).rejects.toThrow(
        /none\.zip: expected HTTP 200 or 206, found HTTP 404/,
      );
    });
  });
});
