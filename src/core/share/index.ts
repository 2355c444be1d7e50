/** Share links: a run's summary, compressed and checksummed in the URL fragment. */

export {
  encodeShareLink,
  decodeShareLink,
  ShareLinkError,
  SHARE_VERSION,
  SHARE_PREFIX,
  MAX_SHARE_FRAGMENT_LENGTH,
  MAX_SHARE_INFLATED_BYTES,
  type ShareDecode,
  type ShareErrorCode,
} from './codec';
export {
  sharePayloadFromRecord,
  testsFromRecord,
  type SharePayload,
  type ShareCell,
  type ShareMetric,
  type ShareEnvironment,
  type ShareTest,
} from './payload';
export { VALUE_SCALE, SHARE_LIMITS } from './wire';
export { crc32 } from './crc32';
export { toBase64url, fromBase64url } from './base64url';
export { deflateRaw, inflateRawLimited, type InflateResult } from './deflate';
