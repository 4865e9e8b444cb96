// The import's fused path for records stored as int16 frames (formats/types.ts Int16Frames: the
// CinC .mat, PTB-XL, MIMIC-IV-ECG): the frames are copied into the FIR kernel's WebAssembly memory
// once and converted there (checksum sums and the invalid-sample test in the same pass), tested for
// rebuilt limb leads and resampled there; JS only assembles the 12 output leads. Decoding into JS
// arrays, checking them for NaN and copying them into the kernel was over half of an import's
// time per record. The result is canonicalize's, bit for bit (the same operations in the same
// order; test/signal/canonical-frames.test.ts), and whatever canonicalize treats with care it
// declines (null): invalid samples in a channel in use, a channel that is no voltage or
// uncalibrated, an empty record, no WebAssembly SIMD; the caller then unframes and canonicalizes.
import { frameChecksumWarnings } from '../formats/frames.js';
import { recycleFrames } from '../formats/sample-pool.js';
import type { FramedReading } from '../formats/types.js';
import { LEAD_COUNT } from '../../shared/leads.js';
import { assembleLeads, channelsOf, finish, paddingWarning, target, type Canonical, type CanonicalSettings } from './canonical.js';
import { signalWasm } from './fir-wasm.js';
import { mapLeads } from './leads.js';
import { limbLeadsFromIandII, type WithinTest } from './limb.js';
import { filterBank, inputSupport, outputLength, resampleRatio } from './resample.js';
import { unitScaleToMv } from './units.js';
import { chooseWindow } from './window.js';

/** Samples per record (frames x channels) beyond which the path declines: its memory stays as large as the largest record. */
const MAX_SAMPLES = 1 << 21;

export interface FramedCanonical {
  readonly canonical: Canonical;
  /** What the reader would have warned of: checksum mismatches, found by the conversion's sums. */
  readonly readerWarnings: string[];
}

const align16 = (n: number): number => (n + 15) & ~15;

/**
 * canonicalize(unframe(reading), settings, into) without decoding into JS, or null where the fused
 * path does not apply (the frames are then untouched). On success the frames go back to the pool.
 */
export function canonicalizeFrames(reading: FramedReading, settings: CanonicalSettings = {}, into?: Float32Array): FramedCanonical | null {
  const wasm = signalWasm();
  if (!wasm) return null;
  const { rate, length, rule } = target(settings);
  const f = reading.frames;
  const n = f.frames;
  const ch = f.channels;
  if (n <= 0 || !(reading.fs > 0) || n * ch > MAX_SAMPLES || reading.channels.length !== ch || reading.sigLen !== n) return null;
  const scale = reading.channels.map((c) => (c.uncalibrated ? null : unitScaleToMv(c.units)));
  if (scale.some((k) => k === null)) return null;
  const map = mapLeads(reading.channels.map((c) => c.name));

  const { up, down } = resampleRatio(reading.fs, rate);
  const bank = filterBank(up, down);
  const table = wasm.place(bank);
  // Every window's filter support lies in [padLo, padHi): zeros around the record's samples.
  const padLo = Math.min(0, inputSupport(bank, 0, 1).lo);
  const padHi = Math.max(n, inputSupport(bank, 0, outputLength(n, up, down)).hi);
  const frameBytes = align16(2 * n * ch);
  const f64Bytes = align16(8 * n);
  const padBytes = align16(4 * (padHi - padLo));
  const A = wasm.scratchStart();
  const B = A + frameBytes;
  const C = B + ch * f64Bytes;
  const R = C + ch * padBytes;
  const D = align16(R + 8 * ch);
  wasm.reserve(D + 8 * ch * length);
  const { exports } = wasm;
  const buffer = exports.memory.buffer;

  new Int16Array(buffer, A, n * ch).set(f.samples);
  for (let c = 0; c < ch; c++) {
    const pad = new Float32Array(buffer, C + c * padBytes, padHi - padLo);
    pad.fill(0, 0, -padLo);
    pad.fill(0, n - padLo);
    exports.decode(A, n, ch, c, f.baseline[c], f.gain[c], f.factor[c], f.invalid, B + c * f64Bytes, C + c * padBytes - 4 * padLo, R + 8 * c);
  }
  const res = new Int32Array(buffer, R, 2 * ch);
  // An invalid sample in a channel in use needs canonicalize's gap handling.
  if (channelsOf(map).some((c) => res[2 * c + 1] !== 0)) return null;
  const sums = Array.from({ length: ch }, (_, c) => res[2 * c]);
  const samples = (c: number) => new Float64Array(buffer, B + c * f64Bytes, n);

  const warnings: string[] = [];
  const choice = chooseWindow({ signals: channelsOf(map).map(samples), n, fs: reading.fs, rate, length, up, down, rule });
  const { first, count } = choice;
  if (count < length) warnings.push(paddingWarning(count, length, rate));
  const support = inputSupport(bank, first, count);
  const lo = Math.max(0, support.lo);
  const hi = Math.min(n, support.hi);

  const within: WithinTest = (c, cI, cII, k, a, b, tol, from, to) =>
    exports.within(B + c * f64Bytes + 8 * from, B + cI * f64Bytes + 8 * from, B + cII * f64Bytes + 8 * from, to - from, k, a, b, tol) === 1;
  const lsb = reading.channels.map((c) => (c.gain > 0 ? 1 / c.gain : Number.NaN));
  const rebuilt = limbLeadsFromIandII(map, within, scale, lsb, lo, hi);
  const used = channelsOf(map, rebuilt);
  const rowOf = new Map<number, number>();
  used.forEach((c, slot) => {
    rowOf.set(c, slot * count);
    const xp = C + c * padBytes + 4 * (support.lo - padLo);
    exports.run(xp, support.lo, table, up, down, bank.half, first, count, D + 8 * slot * count, scale[c] as number);
  });

  const data = into && into.length === LEAD_COUNT * length ? into.fill(0) : new Float32Array(LEAD_COUNT * length);
  assembleLeads(data, length, count, map, rebuilt, rowOf, new Float64Array(buffer, D, used.length * count));
  const readerWarnings = frameChecksumWarnings(f, reading.channels, sums);
  recycleFrames(f.samples);
  return { canonical: finish(data, map, choice.start, count, 0, warnings), readerWarnings };
}
