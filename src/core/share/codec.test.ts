import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../config/defaults';
import { sourceKey as sourceKeyOf } from '../config/keys';
import { configToQuery } from '../config/query';
import { smallCatalog } from '../config/test-catalog';
import { smallRecord } from '../results/test-record';
import { toBase64url } from './base64url';
import {
  decodeShareLink,
  encodeShareLink,
  MAX_SHARE_FRAGMENT_LENGTH,
  SHARE_PREFIX,
  ShareLinkError,
  type ShareDecode,
} from './codec';
import { crc32 } from './crc32';
import { deflateRaw } from './deflate';
import { sharePayloadFromRecord, type SharePayload } from './payload';
import { medimetaPayload } from './test-payload';
import { pack } from './wire';

/** A link around compressed bytes, with a correct checksum. */
function frameCompressed(compressed: Uint8Array): string {
  const framed = new Uint8Array(4 + compressed.length);
  new DataView(framed.buffer).setUint32(0, crc32(compressed));
  framed.set(compressed, 4);
  return SHARE_PREFIX + toBase64url(framed);
}

/** A link around any wire bytes (valid framing, whatever the content). */
async function frame(bytes: Uint8Array): Promise<string> {
  return frameCompressed(await deflateRaw(bytes));
}

/** Wire bytes with a header object and a body. */
function wire(header: unknown, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  const h = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(4 + h.length + body.length);
  new DataView(out.buffer).setUint32(0, h.length);
  out.set(h, 4);
  out.set(body, 4 + h.length);
  return out;
}

/** The header and body of a real payload's wire bytes. */
function parts(p: SharePayload): { header: Record<string, unknown>; body: Uint8Array } {
  const bytes = pack(p);
  const n = new DataView(bytes.buffer).getUint32(0);
  return { header: JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + n))), body: bytes.slice(4 + n) };
}

function failure(r: ShareDecode): { code: string; error: string } {
  if (r.ok) throw new Error('decoded a bad link');
  expect(Object.keys(r).sort()).toEqual(['code', 'error', 'ok']); // no partial payload
  return { code: r.code, error: r.error };
}

const small = (): SharePayload => sharePayloadFromRecord(smallRecord());

/** Values as the link holds them: rounded to 0.001. */
function rounded(p: SharePayload): SharePayload {
  const r = (v: number): number => (Number.isNaN(v) ? NaN : Math.round(v * 1000) / 1000);
  return {
    ...p,
    cells: p.cells.map((c) => ({
      ...c,
      accuracy: { mean: r(c.accuracy.mean), ci95: r(c.accuracy.ci95) },
      auroc: { mean: r(c.auroc.mean), ci95: r(c.auroc.ci95) },
    })),
  };
}

const sortCells = (p: SharePayload): SharePayload => ({
  ...p,
  cells: [...p.cells].sort((a, b) =>
    JSON.stringify([a.source, a.target, a.k, a.method]).localeCompare(
      JSON.stringify([b.source, b.target, b.k, b.method]),
    ),
  ),
});

describe('share links: round trip', () => {
  it('a small run: config exact, values to 0.001, NaN kept, environment summarised', async () => {
    const p = small();
    expect(p.environment).toEqual({
      backend: 'webgpu',
      adapter: 'NVIDIA GeForce RTX 3060',
      softwareFallback: false,
      browser: 'Chrome 126',
      tfjsVersion: '4.22.0',
    });
    const link = await encodeShareLink(p);
    expect(link).toMatch(/^r=v1\.[A-Za-z0-9_-]+$/);
    const r = await decodeShareLink(`#${link}`);
    if (!r.ok) throw new Error(r.error);
    expect(sortCells(r.payload)).toEqual(sortCells(rounded(p)));
    expect(r.payload.cells.find((c) => c.source === 'untrained')!.auroc.mean).toBeNaN();
  });

  it('several methods: each cell comes back under its own method, a method the config lacks is refused', async () => {
    const p = small();
    const config = { ...p.config, methods: ['protonet' as const, 'linear-probe' as const] };
    const probe = p.cells.map((c, i) => ({
      ...c,
      method: 'linear-probe' as const,
      accuracy: { mean: (i + 1) / 100, ci95: 0.01 },
    }));
    const both: SharePayload = { ...p, config, cells: [...p.cells, ...probe] };
    const r = await decodeShareLink(`#${await encodeShareLink(both)}`);
    if (!r.ok) throw new Error(r.error);
    expect(r.payload.config.methods).toEqual(['protonet', 'linear-probe']);
    expect(sortCells(r.payload)).toEqual(sortCells(rounded(both)));
    await expect(encodeShareLink({ ...p, cells: probe })).rejects.toThrow(
      /method "linear-probe" is not one of the config's/,
    );
  });

  it('the supervised row`s whole-split scores travel with the link, to 0.001, NaN kept; bad ones are named', async () => {
    const p = small();
    const [t0, t1] = p.config.targets;
    const tests = [
      {
        target: t0!,
        repeat: 0,
        n: 120,
        accuracy: { value: 0.8123, lo: 0.74, hi: 0.88 },
        auroc: { value: 0.9, lo: 0.85, hi: NaN },
      },
      {
        target: t1!,
        repeat: 0,
        n: 60,
        accuracy: { value: 0.5, lo: 0.4, hi: 0.6 },
        auroc: { value: 0.7, lo: 0.6, hi: 0.8 },
      },
    ];
    const r = await decodeShareLink(`#${await encodeShareLink({ ...p, tests })}`);
    if (!r.ok) throw new Error(r.error);
    expect(r.payload.tests).toEqual([{ ...tests[0], accuracy: { value: 0.812, lo: 0.74, hi: 0.88 } }, tests[1]]);
    await expect(encodeShareLink({ ...p, tests: [{ ...tests[0]!, repeat: 3 }] })).rejects.toThrow(
      /tests\[0\]: repeat is 3, expected an integer in \[0, 0\]/,
    );
    const { header, body } = parts({ ...p, tests });
    const bad = async (s: unknown): Promise<string> =>
      failure(await decodeShareLink(await frame(wire({ ...header, s }, body)))).error;
    expect(await bad([0, 0, 120, 1, 2, 3, 4, 5, 6, 1, 0, 60, 1, 2, 3, 4, 5])).toBe(
      'share link: s: expected groups of 9 integers, found 17',
    );
    expect(await bad([9, 0, 120, 1, 2, 3, 4, 5, 6])).toMatch(/^share link: s\[0\]: expected an integer in \[0, 3\]/);
    expect(await bad([0, 0, 120, 1001, 2, 3, 4, 5, 6])).toMatch(
      /^share link: s\[3\]: expected an integer in \[0, 1000\]/,
    );
    expect(await bad([0, 0, 1, 1, 2, 3, 4, 5, 6, 0, 0, 1, 1, 2, 3, 4, 5, 6])).toMatch(
      /one score per target and repeat/,
    );
  });

  it(`a MedIMeta-sized result (54 targets x 13 rows x 3 K) fits in 16 KB and reads back`, async () => {
    const p = medimetaPayload();
    expect(p.cells).toHaveLength(54 * 13 * 3);
    const link = await encodeShareLink(p);
    console.log(`MedIMeta-sized share link: ${link.length} characters for ${p.cells.length} cells`);
    expect(link.length).toBeLessThan(16 * 1024);
    const r = await decodeShareLink(link);
    if (!r.ok) throw new Error(r.error);
    expect(r.payload).toEqual(rounded(p));
  });

  it('encode refuses a payload too large for a link, and an invalid one', async () => {
    // 300 targets x 13 rows x 10 K with random values: about 39,000 cells.
    const p = medimetaPayload();
    const targets = Array.from({ length: 300 }, (_, i) => ({ dataset: `d${i % 30}`, task: `task ${i}` }));
    const shots = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const big: SharePayload = { ...p, config: { ...p.config, targets, shots }, cells: [] };
    let x = 1;
    const random = (): number => (x = (x * 48271) % 2147483647) / 2147483647;
    for (const s of p.config.sources)
      for (const t of targets)
        for (const k of shots) {
          const m = { mean: random(), ci95: random() / 10 };
          big.cells.push({
            source: sourceKeyOf(s),
            target: t,
            k,
            method: 'protonet',
            episodes: 100,
            accuracy: m,
            auroc: m,
          });
        }
    const e = await encodeShareLink(big).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ShareLinkError);
    expect((e as ShareLinkError).code).toBe('too-large');
    expect((e as ShareLinkError).length).toBeGreaterThan(MAX_SHARE_FRAGMENT_LENGTH);
    expect((e as Error).message).toMatch(/save the results as a file instead/);

    const bad = (q: Partial<SharePayload>, message: RegExp) =>
      expect(encodeShareLink({ ...small(), ...q })).rejects.toThrow(message);
    await bad(
      { cells: [{ ...small().cells[0]!, source: 'dataset:oct' }] },
      /source "dataset:oct" is not a row of the config/,
    );
    await bad({ cells: [{ ...small().cells[0]!, k: 7 }] }, /K = 7 is not one of the config's \(1, 5\)/);
    await bad({ cells: [small().cells[0]!, small().cells[0]!] }, /a second cell/);
    await bad(
      { cells: [{ ...small().cells[0]!, accuracy: { mean: Infinity, ci95: 0 } }] },
      /accuracy mean is Infinity/,
    );
    await bad({ config: { ...small().config, seed: -1 } }, /config: seed: expected an integer/);
    await bad({ createdAt: 'yesterday' }, /createdAt: expected a string of 1..40 characters \(ISO 8601\)/);
  });
});

describe('share links: hostile input (each a clear error, never a partial payload)', () => {
  it('not text, not a share link, another version', async () => {
    expect(failure(await decodeShareLink(42))).toEqual({
      code: 'not-a-share-link',
      error: 'share link: expected text, found a number',
    });
    expect(failure(await decodeShareLink('#x=1')).code).toBe('not-a-share-link');
    expect(failure(await decodeShareLink('')).code).toBe('not-a-share-link');
    expect(failure(await decodeShareLink('r=v2.AAAA'))).toEqual({
      code: 'unsupported-version',
      error: 'share link: version 2, this page reads version 1 (a newer or older ProtoBench made it)',
    });
  });

  it('bad base64: foreign characters, padding, impossible length, non-canonical last character', async () => {
    const link = await encodeShareLink(small());
    expect(failure(await decodeShareLink(`${link.slice(0, 20)}+${link.slice(21)}`)).code).toBe('bad-base64');
    expect(failure(await decodeShareLink(`${link}=`)).code).toBe('bad-base64');
    expect(failure(await decodeShareLink(`${link.slice(0, 20)} ${link.slice(21)}`)).error).toMatch(
      /character 15 \(" "\) is not base64url/,
    );
    expect(failure(await decodeShareLink('r=v1.AAAAA')).error).toMatch(/cannot be 5 characters long/);
    expect(failure(await decodeShareLink('r=v1.AAAAAB')).error).toMatch(/not canonical/);
  });

  it('truncated: a link cut short fails its checksum, a stub is too short', async () => {
    const link = await encodeShareLink(small());
    for (const cut of [1, 3, 10, Math.floor(link.length / 2)]) {
      const r = failure(await decodeShareLink(link.slice(0, link.length - cut)));
      expect(['bad-checksum', 'bad-base64']).toContain(r.code);
    }
    expect(failure(await decodeShareLink('r=v1.AAAAAA')).code).toBe('truncated');
  });

  it('a changed character fails the checksum', async () => {
    const link = await encodeShareLink(small());
    const i = link.length - 10;
    const flipped = link.slice(0, i) + (link[i] === 'A' ? 'B' : 'A') + link.slice(i + 1);
    expect(failure(await decodeShareLink(flipped)).error).toMatch(
      /^share link: checksum [0-9a-f]{8} does not match [0-9a-f]{8}: the link is damaged or cut short/,
    );
  });

  it('oversized: a long fragment is refused before any work', async () => {
    const t0 = performance.now();
    expect(failure(await decodeShareLink(`r=v1.${'A'.repeat(10_000_000)}`))).toEqual({
      code: 'too-large',
      error: `share link: 10000005 characters, more than the ${MAX_SHARE_FRAGMENT_LENGTH} a link may have`,
    });
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it('a zip bomb (an 8 KB link that inflates to 8 MB) stops at the size limit', async () => {
    const bomb = await deflateRaw(new Uint8Array(8 << 20));
    const link = frameCompressed(bomb);
    expect(link.length).toBeLessThan(16_000);
    const t0 = performance.now();
    expect(failure(await decodeShareLink(link))).toEqual({
      code: 'too-large',
      error: 'share link: it inflates to more than 1048576 bytes',
    });
    expect(performance.now() - t0).toBeLessThan(3000);
  });

  it('damaged compressed data with a valid checksum', async () => {
    expect(failure(await decodeShareLink(frameCompressed(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x00)))).code).toBe(
      'bad-compression',
    );
    const good = await deflateRaw(pack(small()));
    expect(failure(await decodeShareLink(frameCompressed(good.slice(0, good.length - 3)))).code).toBe(
      'bad-compression',
    );
  });

  it('not UTF-8, not JSON, NaN and Infinity in the header', async () => {
    expect(failure(await decodeShareLink(await frame(wire('\u0000')))).code).toBe('bad-json');
    const notUtf8 = wire('xx');
    notUtf8.set([0xc3, 0x28], 4);
    expect(failure(await decodeShareLink(await frame(notUtf8)))).toEqual({
      code: 'bad-text',
      error: 'share link: the header is not UTF-8 text',
    });
    expect(failure(await decodeShareLink(await frame(wire('{"c": ')))).code).toBe('bad-json');
    const { header } = parts(small());
    const text = JSON.stringify(header).replace('"e":["webgpu"', '"e":[NaN');
    expect(failure(await decodeShareLink(await frame(wire(text)))).code).toBe('bad-json');
    const inf = JSON.stringify(header).replace(/&lr=[^&]+/, '&lr=Infinity');
    expect(failure(await decodeShareLink(await frame(wire(inf))))).toEqual({
      code: 'bad-content',
      error: 'share link: config lr: expected a finite number in (0, 1], found "Infinity"',
    });
  });

  it('wrong types, unexpected keys, too-long strings', async () => {
    const { header, body } = parts(small());
    const bad = async (h: Record<string, unknown>): Promise<string> =>
      failure(await decodeShareLink(await frame(wire(h, body)))).error;
    expect(await bad({ ...header, e: ['webgpu', null, 2, 'Chrome', '4'] })).toBe(
      'share link: e[2]: expected one of 0, 1, found 2',
    );
    expect(await bad({ ...header, e: 'webgpu' })).toBe('share link: e: expected an array of 5 items, found "webgpu"');
    expect(await bad({ ...header, t: 1700000000 })).toMatch(
      /^share link: t: expected a string of 1..40 characters \(ISO 8601\)/,
    );
    expect(await bad({ ...header, x: 1 })).toMatch(
      /^share link: x: expected no such key \(known: c, t, e, d, s\), found an unexpected key/,
    );
    expect(await bad(JSON.parse(JSON.stringify(header).replace('{', '{"__proto__":{"polluted":1},')))).toMatch(
      /__proto__: expected no such key/,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await bad({ ...header, e: ['webgpu', 'x'.repeat(201), 0, 'Chrome', '4'] })).toMatch(
      /^share link: e\[1\]: expected a string of 0..200 characters.*\(201 characters\)$/,
    );
    expect(await bad({ ...header, d: ['bus', 'sha256:x y'] })).toMatch(
      /^share link: d\[1\]: expected .*printable ASCII, no spaces/,
    );
    expect(await bad({ ...header, d: ['bus', 'a', 'bus', 'b'] })).toBe(
      'share link: d[2]: expected a dataset not already listed, found "bus"',
    );
    const { c: _c, ...noConfig } = header;
    expect(await bad(noConfig)).toBe('share link: c: expected a value for "c", found nothing');
  });

  it('a body that does not match its header: wrong length, stray bitmap bits, codes out of range, zero episodes', async () => {
    const p = small();
    const { header, body } = parts(p);
    const bad = async (b: Uint8Array): Promise<{ code: string; error: string }> =>
      failure(await decodeShareLink(await frame(wire(header, b))));
    expect((await bad(body.slice(0, body.length - 1))).code).toBe('truncated');
    expect((await bad(Uint8Array.of(...body, 0))).code).toBe('bad-content');
    // 3 rows x 4 targets x 3 K = 36 slots: 5 bitmap bytes, the last 4 bits unused.
    const q = configToQuery({ ...p.config, shots: [1, 5, 10] });
    const three = wire({ ...header, c: q }, Uint8Array.of(0, 0, 0, 0, 0x01)); // slot 39 of 36
    expect(failure(await decodeShareLink(await frame(three))).error).toBe(
      'share link: the cell bitmap sets slot 39, beyond the 36 of the grid',
    );
    // One cell (slot 0 of 24: bitmap 0x80 0 0), then its columns as byte planes: episodes (4 bytes),
    // accuracy mean (2), accuracy ci95 (2), AUROC mean (2), AUROC ci95 (2).
    const one = (episodes: number, mean: number): Uint8Array =>
      Uint8Array.of(0x80, 0, 0, 0, 0, 0, episodes, mean >> 8, mean & 255, 0, 20, 0xff, 0xff, 0, 0);
    const ok = await decodeShareLink(await frame(wire(header, one(100, 500))));
    expect(ok.ok && ok.payload.cells).toEqual([
      {
        source: 'all-except-target',
        target: p.config.targets[0],
        k: 1,
        method: 'protonet',
        episodes: 100,
        accuracy: { mean: 0.5, ci95: 0.02 },
        auroc: { mean: NaN, ci95: 0 },
      },
    ]);
    expect((await bad(one(0, 500))).error).toBe(
      'share link: cells[0].episodes: expected an integer in [1, 1000000], found 0',
    );
    expect((await bad(one(100, 5000))).error).toBe(
      'share link: cells[0].accuracy.mean: expected a code in [0, 1000] or NaN, found 5000',
    );
  });

  it('markup in names is kept as text; control characters are refused', async () => {
    const p = small();
    const targets = [
      ...p.config.targets,
      { dataset: '<img src=x onerror=alert(1)>', task: '</script><script>alert(1)</script>' },
    ];
    const q: SharePayload = { ...p, config: { ...p.config, targets } };
    const r = await decodeShareLink(await encodeShareLink(q));
    expect(r.ok && r.payload.config.targets.at(-1)).toEqual(targets.at(-1));
    const { header, body } = parts(p);
    const ctl = { ...header, c: String(header.c).replace('t=bus%2Fcase+category', 't=bus%2Fcase%0Acategory') };
    expect(failure(await decodeShareLink(await frame(wire(ctl, body)))).error).toMatch(
      /^share link: config t\[0\]: expected a string of 1..128 characters, without control characters, found a string with control or invalid characters/,
    );
  });

  it('a header length that points past the end', async () => {
    const w = wire({ c: 'x' });
    new DataView(w.buffer).setUint32(0, 0xffffffff);
    expect(failure(await decodeShareLink(await frame(w))).code).toBe('truncated');
    expect(failure(await decodeShareLink(await frame(Uint8Array.of(0, 0)))).code).toBe('truncated');
  });

  it('a default config with no results is a valid (empty) link', async () => {
    const config = defaultConfig('wasm', smallCatalog());
    const p: SharePayload = { ...small(), config, cells: [] };
    const r = await decodeShareLink(await encodeShareLink(p));
    expect(r).toEqual({ ok: true, payload: p });
  });
});
