/** FNV-1a over bytes, continuing from `h`: cheap and order-sensitive, for integrity checks (not security). */
export function checksum(bytes: ArrayLike<number>, h = 0x811c9dc5): number {
  for (let i = 0; i < bytes.length; i++) {
    h ^= (bytes[i] as number) & 0xff;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
