/**
 * Raw DEFLATE (RFC 1951) through the platform's CompressionStream / DecompressionStream ('deflate-raw':
 * Chromium, Firefox, Safari 16.4+, Node 20). Inflation is bounded: the input goes in small slices and
 * the output is counted as it streams out, so a small "zip bomb" stops at `maxBytes` instead of filling
 * memory.
 */

async function readAll(
  readable: ReadableStream<Uint8Array>,
  maxBytes: number,
  onLimit: () => Promise<void>,
): Promise<{ chunks: Uint8Array[]; total: number; over: boolean }> {
  const reader = readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { chunks, total, over: false };
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      await onLimit();
      return { chunks, total, over: true };
    }
    chunks.push(value);
  }
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.byteLength;
  }
  return out;
}

/** Input slice size: at most ~1032x this (DEFLATE's maximum ratio) comes out per slice. */
const SLICE = 1024;

function feed(
  writer: WritableStreamDefaultWriter<BufferSource>,
  bytes: Uint8Array,
  stopped: () => boolean,
): Promise<void> {
  return (async () => {
    try {
      for (let i = 0; i < bytes.length && !stopped(); i += SLICE) await writer.write(bytes.slice(i, i + SLICE));
      if (!stopped()) await writer.close();
    } catch {
      // The reading side reports what went wrong.
    }
  })();
}

export async function deflateRaw(bytes: Uint8Array): Promise<Uint8Array> {
  const cs = new CompressionStream('deflate-raw');
  const writer = cs.writable.getWriter();
  const fed = feed(writer, bytes, () => false);
  const { chunks, total } = await readAll(cs.readable, Number.MAX_SAFE_INTEGER, async () => undefined);
  await fed;
  return concat(chunks, total);
}

export type InflateResult =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; reason: 'too-large'; error: string }
  | { ok: false; reason: 'corrupt'; error: string };

/** Inflates `bytes`, giving up as soon as the output passes `maxBytes`. */
export async function inflateRawLimited(bytes: Uint8Array, maxBytes: number): Promise<InflateResult> {
  let stop = false;
  let ds: DecompressionStream;
  try {
    ds = new DecompressionStream('deflate-raw');
  } catch (e) {
    return { ok: false, reason: 'corrupt', error: `this platform cannot inflate deflate-raw (${String(e)})` };
  }
  const writer = ds.writable.getWriter();
  const fed = feed(writer, bytes, () => stop);
  try {
    const r = await readAll(ds.readable, maxBytes, async () => {
      stop = true;
      await writer.abort().catch(() => undefined);
    });
    await fed;
    if (r.over) return { ok: false, reason: 'too-large', error: `it inflates to more than ${maxBytes} bytes` };
    return { ok: true, bytes: concat(r.chunks, r.total) };
  } catch (e) {
    stop = true;
    await writer.abort().catch(() => undefined);
    await fed;
    return {
      ok: false,
      reason: 'corrupt',
      error: `the compressed data is damaged (${e instanceof Error ? e.message : String(e)})`,
    };
  }
}
