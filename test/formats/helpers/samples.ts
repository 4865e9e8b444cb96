// Deterministic test signals for the round trips.
import { mulberry32 } from '../../../src/shared/random.js';

/** Small seeded generator so failures reproduce. */
export const rng = mulberry32;

/** Bits of a format's samples. */
export const FORMAT_BITS: Record<number, number> = { 8: 8, 16: 16, 24: 24, 32: 32, 61: 16, 80: 8, 160: 16, 212: 12, 310: 10, 311: 10, 508: 8, 516: 16, 524: 24 };

/**
 * `n` digital samples valid for `format`: the extremes, then random values; format 8 gets a
 * random walk whose steps fit its 8-bit differences. `invalidAt` positions get the invalid value.
 */
export function digitalSamples(format: number, n: number, seed: number, invalidAt: readonly number[] = []): number[] {
  const next = rng(seed);
  const bits = FORMAT_BITS[format];
  const lo = -(2 ** (bits - 1)) + 1;
  const hi = 2 ** (bits - 1) - 1;
  const out: number[] = [];
  if (format === 8) {
    let v = Math.floor(next() * 200) - 100;
    for (let i = 0; i < n; i++) {
      v += Math.floor(next() * 255) - 127;
      out.push(v);
    }
    return out;
  }
  for (let i = 0; i < n; i++) out.push(i === 0 ? lo : i === 1 ? hi : lo + Math.floor(next() * (hi - lo + 1)));
  for (const i of invalidAt) if (i < n) out[i] = lo - 1;
  return out;
}
