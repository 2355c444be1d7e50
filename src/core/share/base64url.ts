/**
 * base64url (RFC 4648 section 5) without padding. Decoding is strict: only the 64 URL-safe characters,
 * no padding, no whitespace, a length that is not 1 mod 4, and zero unused bits in the last character
 * (so every byte string has exactly one encoding).
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const VALUE = (() => {
  const v = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) v[ALPHABET.charCodeAt(i)] = i;
  return v;
})();

export function toBase64url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]! + ALPHABET[(n >>> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] as number) << 16;
    out += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]!;
  } else if (rest === 2) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
    out += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]! + ALPHABET[(n >>> 6) & 63]!;
  }
  return out;
}

/** The bytes, or a reason the text is not canonical base64url. */
export function fromBase64url(text: string): { ok: true; bytes: Uint8Array } | { ok: false; error: string } {
  if (text.length % 4 === 1) return { ok: false, error: `a base64url text cannot be ${text.length} characters long` };
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const v = code < 128 ? (VALUE[code] as number) : -1;
    if (v < 0) return { ok: false, error: `character ${i} (${JSON.stringify(text[i])}) is not base64url` };
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
      acc &= (1 << bits) - 1;
    }
  }
  if (acc !== 0)
    return { ok: false, error: 'the last character has bits set beyond the data (not canonical base64url)' };
  return { ok: true, bytes: out };
}
