/**
 * Share links: a run's summary in the URL fragment, `#r=v1.<base64url>`, so that it never reaches a
 * server.
 *
 *   base64url( CRC-32 of the compressed bytes, 4 bytes big-endian || deflate-raw( wire bytes ) )
 *
 * `v1` is the format version (wire.ts); the CRC catches links damaged or cut in transit (a chat app
 * eating the end of a long URL). Limits: the fragment is at most MAX_SHARE_FRAGMENT_LENGTH characters
 * (encode refuses larger payloads with a ShareLinkError 'too-large': the page offers the JSON file
 * instead) and inflates to at most MAX_SHARE_INFLATED_BYTES (checked while streaming).
 *
 * `decodeShareLink` takes text from anyone: every failure is `{ok: false, code, error}` and nothing of a
 * bad link is returned. Names in a payload (dataset, task, domain) are validated for type, length and
 * characters only; the page shows them as text (never as HTML), so markup in them is inert.
 */

import { crc32 } from './crc32';
import { fromBase64url, toBase64url } from './base64url';
import { deflateRaw, inflateRawLimited } from './deflate';
import type { SharePayload } from './payload';
import { pack, unpack } from './wire';

export const SHARE_VERSION = 1;
export const SHARE_PREFIX = `r=v${SHARE_VERSION}.`;
/** The whole fragment (after "#"), both ways. */
export const MAX_SHARE_FRAGMENT_LENGTH = 32_768;
/** JSON a link may inflate to. */
export const MAX_SHARE_INFLATED_BYTES = 1 << 20;

export type ShareErrorCode =
  | 'too-large'
  | 'invalid-payload'
  | 'not-a-share-link'
  | 'unsupported-version'
  | 'bad-base64'
  | 'truncated'
  | 'bad-checksum'
  | 'bad-compression'
  | 'bad-text'
  | 'bad-json'
  | 'bad-content';

/** What `encodeShareLink` throws: `too-large` (use a file) or `invalid-payload`. */
export class ShareLinkError extends Error {
  constructor(
    readonly code: 'too-large' | 'invalid-payload',
    message: string,
    /** The fragment length it would have had (too-large). */
    readonly length?: number,
  ) {
    super(message);
    this.name = 'ShareLinkError';
  }
}

/** The fragment, without "#": `r=v1.<base64url>`. */
export async function encodeShareLink(payload: SharePayload): Promise<string> {
  let text: Uint8Array;
  try {
    text = pack(payload);
  } catch (e) {
    throw new ShareLinkError('invalid-payload', `share link: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (text.length > MAX_SHARE_INFLATED_BYTES) {
    throw new ShareLinkError(
      'too-large',
      `share link: the summary is ${text.length} bytes before compression, more than ${MAX_SHARE_INFLATED_BYTES}; save the results as a file instead`,
    );
  }
  const compressed = await deflateRaw(text);
  const framed = new Uint8Array(4 + compressed.length);
  new DataView(framed.buffer).setUint32(0, crc32(compressed));
  framed.set(compressed, 4);
  const fragment = SHARE_PREFIX + toBase64url(framed);
  if (fragment.length > MAX_SHARE_FRAGMENT_LENGTH) {
    throw new ShareLinkError(
      'too-large',
      `share link: ${fragment.length} characters, more than ${MAX_SHARE_FRAGMENT_LENGTH}; save the results as a file instead`,
      fragment.length,
    );
  }
  return fragment;
}

export type ShareDecode = { ok: true; payload: SharePayload } | { ok: false; code: ShareErrorCode; error: string };

const fail = (code: ShareErrorCode, error: string): ShareDecode => ({ ok: false, code, error: `share link: ${error}` });

/** Reads a fragment (with or without the leading "#"). */
export async function decodeShareLink(fragment: unknown): Promise<ShareDecode> {
  if (typeof fragment !== 'string') return fail('not-a-share-link', `expected text, found a ${typeof fragment}`);
  const f = fragment.startsWith('#') ? fragment.slice(1) : fragment;
  if (f.length > MAX_SHARE_FRAGMENT_LENGTH)
    return fail('too-large', `${f.length} characters, more than the ${MAX_SHARE_FRAGMENT_LENGTH} a link may have`);
  const m = /^r=v([0-9]{1,6})\.(.*)$/s.exec(f);
  if (!m) return fail('not-a-share-link', 'the fragment does not start with "r=v<version>."');
  if (m[1] !== String(SHARE_VERSION))
    return fail(
      'unsupported-version',
      `version ${m[1]}, this page reads version ${SHARE_VERSION} (a newer or older ProtoBench made it)`,
    );
  const b = fromBase64url(m[2]!);
  if (!b.ok) return fail('bad-base64', b.error);
  if (b.bytes.length < 5) return fail('truncated', `${b.bytes.length} bytes, too short to hold a checksum and data`);
  const want = new DataView(b.bytes.buffer, b.bytes.byteOffset, 4).getUint32(0);
  const compressed = b.bytes.subarray(4);
  const got = crc32(compressed);
  if (want !== got) {
    return fail(
      'bad-checksum',
      `checksum ${hex(got)} does not match ${hex(want)}: the link is damaged or cut short (copy all of it)`,
    );
  }
  const inflated = await inflateRawLimited(compressed, MAX_SHARE_INFLATED_BYTES);
  if (!inflated.ok) return fail(inflated.reason === 'too-large' ? 'too-large' : 'bad-compression', inflated.error);
  const r = unpack(inflated.bytes);
  if (!r.ok) {
    const shown = r.errors.slice(0, 5).map((e) => e.message);
    const more = r.errors.length > 5 ? `; and ${r.errors.length - 5} more` : '';
    return fail(r.code, `${shown.join('; ')}${more}`);
  }
  return { ok: true, payload: r.payload };
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}
