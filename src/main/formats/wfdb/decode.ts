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

/** Formats `decodePhysical` reads: one sample per byte pair/byte/nibble pair, no state across samples. */
export const PHYSICAL_FORMATS: ReadonlySet<number> = new Set([16, 61, 80, 160, 212]);

/**
 * The fused import path: one signal of a file with one sample per frame, decoded straight into
 * physical units. Sample `start + i * stride` (counted in file order in `bytes`, which starts on a
 * group boundary) becomes out[i] = (d - baseline) / gain, or NaN where d is the invalid value, for
 * i < out.length: the values readSingle gets from decodeSamples, demultiplexing and toPhysical,
 * without their intermediate arrays. Returns the 32-bit wrapped sum of the digital values (checksum).
 */
export function decodePhysical(f: FormatSpec, bytes: Uint8Array, start: number, stride: number, out: Float64Array, baseline: number, gain: number): number {
  const n = out.length;
  const invalid = f.invalid ?? Number.NaN;
  // The invalid test only raises a flag; NaN goes in by a second pass in the rare record that has
  // any. A NaN chosen inside the loop makes it 2.5x slower (V8 turns the select into a branch).
  let bad = 0;
  let sum = 0;
  switch (f.code) {
    case 16:
      if (LITTLE_ENDIAN && bytes.byteOffset % 2 === 0) {
        const words = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length >> 1);
        for (let i = 0, s = start; i < n; i++, s += stride) {
          const d = words[s];
          out[i] = (d - baseline) / gain;
          sum = (sum + d) | 0;
          bad |= d === invalid ? 1 : 0;
        }
      } else {
        for (let i = 0, b = 2 * start; i < n; i++, b += 2 * stride) {
          const d = ((bytes[b] | (bytes[b + 1] << 8)) << 16) >> 16;
          out[i] = (d - baseline) / gain;
          sum = (sum + d) | 0;
          bad |= d === invalid ? 1 : 0;
        }
      }
      break;
    case 61:
      for (let i = 0, b = 2 * start; i < n; i++, b += 2 * stride) {
        const d = ((bytes[b + 1] | (bytes[b] << 8)) << 16) >> 16;
        out[i] = (d - baseline) / gain;
        sum = (sum + d) | 0;
        bad |= d === invalid ? 1 : 0;
      }
      break;
    case 80:
      for (let i = 0, b = start; i < n; i++, b += stride) {
        const d = bytes[b] - 128;
        out[i] = (d - baseline) / gain;
        sum = (sum + d) | 0;
        bad |= d === invalid ? 1 : 0;
      }
      break;
    case 160:
      for (let i = 0, b = 2 * start; i < n; i++, b += 2 * stride) {
        const d = (bytes[b] | (bytes[b + 1] << 8)) - 32768;
        out[i] = (d - baseline) / gain;
        sum = (sum + d) | 0;
        bad |= d === invalid ? 1 : 0;
      }
      break;
    case 212:
      for (let i = 0, s = start; i < n; i++, s += stride) {
        const d = sample212(bytes, s);
        out[i] = (d - baseline) / gain;
        sum = (sum + d) | 0;
        bad |= d === invalid ? 1 : 0;
      }
      break;
    default:
      throw new FormatError('format', `format ${f.code} has no fused physical decoder`);
  }
  if (bad) for (let i = 0, s = start; i < n; i++, s += stride) if (sampleAt(f.code, bytes, s) === invalid) out[i] = NaN;
  return sum;
}

/** Sample s of a 212 file: the 3-byte pair s >> 1 holds it; even ones take the low nibble of the middle byte. */
function sample212(bytes: Uint8Array, s: number): number {
  const b = (s >> 1) * 3;
  return s & 1 ? ((bytes[b + 2] | ((bytes[b + 1] & 0xf0) << 4)) << 20) >> 20 : ((bytes[b] | ((bytes[b + 1] & 0x0f) << 8)) << 20) >> 20;
}

/** One digital sample of a PHYSICAL_FORMATS file, for the invalid-sample pass. */
function sampleAt(code: number, bytes: Uint8Array, s: number): number {
  switch (code) {
    case 16:
      return ((bytes[2 * s] | (bytes[2 * s + 1] << 8)) << 16) >> 16;
    case 61:
      return ((bytes[2 * s + 1] | (bytes[2 * s] << 8)) << 16) >> 16;
    case 80:
      return bytes[s] - 128;
    case 160:
      return (bytes[2 * s] | (bytes[2 * s + 1] << 8)) - 32768;
    default:
      return sample212(bytes, s);
  }
}
