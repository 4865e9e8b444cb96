// One canonical record (Float32Array, mV) in the store's on-disk form: int16 microvolts clipped to
// +-32767, or float32 millivolts. Kept apart from the store so that import workers encode the
// records they produce and only bytes cross to the thread that writes.
import { INT16_PER_MV, type StoreDtype } from './store-file.js';

const INT16_MAX = 32767;

/** Bytes one sample takes on disk. */
export function sampleBytes(dtype: StoreDtype): number {
  return dtype === 'int16' ? 2 : 4;
}

/** Writes `row` at byte `at` of `out` (4-byte aligned for float32, 2 for int16); returns the samples clipped. */
export function encodeRecord(row: Float32Array, dtype: StoreDtype, out: Uint8Array, at: number): number {
  if (dtype === 'float32') {
    new Float32Array(out.buffer, out.byteOffset + at, row.length).set(row);
    return 0;
  }
  const words = new Int16Array(out.buffer, out.byteOffset + at, row.length);
  // Constants as locals: imported bindings are re-checked on every access of a hot loop.
  const perMv = INT16_PER_MV;
  const max = INT16_MAX;
  const n = row.length;
  let clipped = 0;
  for (let i = 0; i < n; i++) {
    const v = Math.floor(row[i] * perMv + 0.5); // = Math.round, without its data-dependent branch (3x faster on noisy data)
    if (v > max || v < -max) {
      words[i] = v > 0 ? max : -max;
      clipped++;
    } else {
      words[i] = v; // NaN fails both tests and converts to 0
    }
  }
  return clipped;
}
