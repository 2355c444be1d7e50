import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { fromBase64url, toBase64url } from './base64url';
import { crc32 } from './crc32';
import { deflateRaw, inflateRawLimited } from './deflate';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('crc32', () => {
  it('matches the standard check values', () => {
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(ascii('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
  });
});

describe('base64url', () => {
  it('matches RFC 4648 vectors (URL alphabet, no padding) and round-trips every length', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'Zg'],
      ['fo', 'Zm8'],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg'],
      ['fooba', 'Zm9vYmE'],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [plain, b64] of vectors) {
      expect(toBase64url(ascii(plain))).toBe(b64);
      expect(fromBase64url(b64)).toEqual({ ok: true, bytes: ascii(plain) });
    }
    expect(toBase64url(Uint8Array.of(0xfb, 0xff, 0xbf))).toBe('-_-_');
    const rng = new Rng(5);
    for (let n = 0; n < 70; n++) {
      const bytes = Uint8Array.from({ length: n }, () => rng.int(256));
      expect(fromBase64url(toBase64url(bytes))).toEqual({ ok: true, bytes });
    }
  });

  it('is strict', () => {
    expect(fromBase64url('Zg==').ok).toBe(false);
    expect(fromBase64url('Zm9v+').ok).toBe(false);
    expect(fromBase64url('Zh').ok).toBe(false); // unused bits set: "Zg" is the only encoding of "f"
    expect(fromBase64url('Z').ok).toBe(false);
    expect(fromBase64url('Zé8v').ok).toBe(false);
  });
});

describe('deflate-raw', () => {
  it('round-trips, and the limit is exact', async () => {
    const data = ascii('ProtoBench '.repeat(1000));
    const packed = await deflateRaw(data);
    expect(packed.length).toBeLessThan(200);
    expect(await inflateRawLimited(packed, data.length)).toEqual({ ok: true, bytes: data });
    expect(await inflateRawLimited(packed, data.length - 1)).toMatchObject({ ok: false, reason: 'too-large' });
    expect(await inflateRawLimited(new Uint8Array(0), 10)).toMatchObject({ ok: false, reason: 'corrupt' });
    expect(await inflateRawLimited(Uint8Array.of(0xff, 0xff), 10)).toMatchObject({ ok: false, reason: 'corrupt' });
  });
});
