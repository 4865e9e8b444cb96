// Byte formats -> digital samples in file order. Plain loops over typed arrays: this is the
// hot path of importing a million records, so nothing here allocates per sample.
import { FormatError } from '../types.js';
import type { FormatSpec } from './formats.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Decodes the first `n` samples held in `bytes` (which starts on a sample-group boundary) into
 * `out`. Format 8 yields the raw first differences; the caller sums them per signal.
 */
export function decodeSamples(f: FormatSpec, bytes: Uint8Array, n: number, out: Int32Array): void {
  switch (f.code) {
    case 8:
      for (let i = 0; i < n; i++) out[i] = (bytes[i] << 24) >> 24;
      return;
    case 16:
      if (LITTLE_ENDIAN && bytes.byteOffset % 2 === 0) {
        out.set(new Int16Array(bytes.buffer, bytes.byteOffset, n));
      } else {
        for (let i = 0, b = 0; i < n; i++, b += 2) out[i] = ((bytes[b] | (bytes[b + 1] << 8)) << 16) >> 16;
      }
      return;
    case 24:
      for (let i = 0, b = 0; i < n; i++, b += 3) out[i] = ((bytes[b] | (bytes[b + 1] << 8) | (bytes[b + 2] << 16)) << 8) >> 8;
      return;
    case 32:
      for (let i = 0, b = 0; i < n; i++, b += 4) out[i] = bytes[b] | (bytes[b + 1] << 8) | (bytes[b + 2] << 16) | (bytes[b + 3] << 24);
      return;
    case 61:
      for (let i = 0, b = 0; i < n; i++, b += 2) out[i] = ((bytes[b + 1] | (bytes[b] << 8)) << 16) >> 16;
      return;
    case 80:
      for (let i = 0; i < n; i++) out[i] = bytes[i] - 128;
      return;
    case 160:
      for (let i = 0, b = 0; i < n; i++, b += 2) out[i] = (bytes[b] | (bytes[b + 1] << 8)) - 32768;
      return;
    case 212:
      decode212(bytes, n, out);
      return;
    case 310:
      decode310(bytes, n, out);
      return;
    case 311:
      decode311(bytes, n, out);
      return;
    default:
      throw new FormatError('format', `format ${f.code} is not a byte format`);
  }
}

/** Two 12-bit samples in 3 bytes: low byte, then a byte holding both high nibbles, then low byte. */
function decode212(bytes: Uint8Array, n: number, out: Int32Array): void {
  let i = 0;
  let b = 0;
  for (; i + 1 < n; i += 2, b += 3) {
    const mid = bytes[b + 1];
    out[i] = ((bytes[b] | ((mid & 0x0f) << 8)) << 20) >> 20;
    out[i + 1] = ((bytes[b + 2] | ((mid & 0xf0) << 4)) << 20) >> 20;
  }
  if (i < n) out[i] = ((bytes[b] | ((bytes[b + 1] & 0x0f) << 8)) << 20) >> 20;
}

/** Three 10-bit samples in two little-endian 16-bit words: bits 1-10 of each word, the third split over bits 11-15. */
function decode310(bytes: Uint8Array, n: number, out: Int32Array): void {
  for (let i = 0, b = 0; i < n; i += 3, b += 4) {
    const w0 = bytes[b] | (bytes[b + 1] << 8);
    out[i] = (((w0 >> 1) & 0x3ff) << 22) >> 22;
    if (i + 1 >= n) break;
    const w1 = bytes[b + 2] | (bytes[b + 3] << 8);
    out[i + 1] = (((w1 >> 1) & 0x3ff) << 22) >> 22;
    if (i + 2 >= n) break;
    out[i + 2] = ((((w0 >> 11) & 0x1f) | (((w1 >> 11) & 0x1f) << 5)) << 22) >> 22;
  }
}

/** Three 10-bit samples in one little-endian 32-bit word: bits 0-9, 10-19, 20-29. */
function decode311(bytes: Uint8Array, n: number, out: Int32Array): void {
  for (let i = 0, b = 0; i < n; i += 3, b += 4) {
    const w = (bytes[b] | (bytes[b + 1] << 8) | (bytes[b + 2] << 16) | (bytes[b + 3] << 24)) >>> 0;
    out[i] = ((w & 0x3ff) << 22) >> 22;
    if (i + 1 < n) out[i + 1] = (((w >>> 10) & 0x3ff) << 22) >> 22;
    if (i + 2 < n) out[i + 2] = (((w >>> 20) & 0x3ff) << 22) >> 22;
  }
}
