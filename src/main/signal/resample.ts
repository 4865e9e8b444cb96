// Anti-aliased rational resampling: the polyphase FIR of scipy.signal.resample_poly, sample for sample.
//
// Filter: firwin(2*half+1, 1/max(up, down)) with a Kaiser window (beta 5.0), half = 10*max(up, down),
// gain `up`, i.e. a windowed-sinc lowpass at min(fs_in, fs_out)/2. Output k sits at input time
// k*down/up and is sum_n x[n] h[k*down + half - n*up]; samples outside the signal count as 0
// (scipy's default padtype 'constant'), so the first and last ~10 output periods lean towards zero
// exactly as scipy's do. `resampleInto` computes any stretch of the output of a whole record, so a
// window cut from a long record uses the real neighbouring samples, not zero padding.

import { resampleJs } from './fir-js.js';
import { firKernel } from './fir-wasm.js';

export interface Ratio {
  readonly up: number;
  readonly down: number;
}

export interface FilterBank extends Ratio {
  /** Half length of the prototype filter (taps = 2*half + 1). */
  readonly half: number;
  /** Prototype filter h (gain `up`), for inspection and tests. */
  readonly taps: Float64Array;
  /** Polyphase components one after another: phase r holds h[r], h[r+up], h[r+2up], ... */
  readonly phases: Float64Array;
  readonly phaseStart: Int32Array;
  readonly phaseLength: Int32Array;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * up/down = fsOut/fsIn in lowest terms, from the best rational approximation whose denominator
 * does not exceed `maxDenominator` (like Python's Fraction.limit_denominator), so 257 -> 100 Hz is
 * exactly 100/257 and an odd rate like 128.0001 Hz does not blow the filter up.
 */
export function resampleRatio(fsIn: number, fsOut: number, maxDenominator = 1000): Ratio {
  if (!(fsIn > 0) || !(fsOut > 0) || !Number.isFinite(fsIn) || !Number.isFinite(fsOut)) {
    throw new RangeError(`sampling rates must be positive and finite (got ${fsIn} -> ${fsOut} Hz)`);
  }
  if (Number.isInteger(fsIn) && Number.isInteger(fsOut)) {
    const g = gcd(fsOut, fsIn);
    if (fsIn / g <= maxDenominator) return { up: fsOut / g, down: fsIn / g };
  }
  // Continued fractions of x = fsOut/fsIn, keeping the last convergent within the limit,
  // then the best semiconvergent (the same rule as CPython's limit_denominator).
  const x = fsOut / fsIn;
  let [p0, q0, p1, q1] = [0, 1, 1, 0];
  let r = x;
  for (let i = 0; i < 64; i++) {
    const a = Math.floor(r);
    const q2 = q0 + a * q1;
    if (q2 > maxDenominator) break;
    [p0, q0, p1, q1] = [p1, q1, p0 + a * p1, q2];
    if (r - a < 1e-12) break;
    r = 1 / (r - a);
  }
  const k = Math.floor((maxDenominator - q0) / q1);
  const [sp, sq] = [p0 + k * p1, q0 + k * q1];
  const [up, down] = Math.abs(sp / sq - x) < Math.abs(p1 / q1 - x) ? [sp, sq] : [p1, q1];
  if (up < 1) throw new RangeError(`cannot resample ${fsIn} Hz to ${fsOut} Hz with denominators up to ${maxDenominator}`);
  const g = gcd(up, down);
  return { up: up / g, down: down / g };
}

/** Modified Bessel function of the first kind, order 0 (power series; converges fast for beta 5). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 200; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

const KAISER_BETA = 5.0;
const banks = new Map<string, FilterBank>();

/** The polyphase filter bank for up/down (reduced to lowest terms), designed once and cached. */
export function filterBank(upIn: number, downIn: number): FilterBank {
  const g = gcd(upIn, downIn);
  const up = upIn / g;
  const down = downIn / g;
  const key = `${up}/${down}`;
  const cached = banks.get(key);
  if (cached) return cached;

  const maxRate = Math.max(up, down);
  const half = up === 1 && down === 1 ? 0 : 10 * maxRate;
  const len = 2 * half + 1;
  const taps = new Float64Array(len);
  if (half === 0) {
    taps[0] = 1;
  } else {
    const fc = 1 / maxRate;
    const i0Beta = besselI0(KAISER_BETA);
    let sum = 0;
    for (let i = 0; i < len; i++) {
      const m = i - half;
      const arg = Math.PI * fc * m;
      const sinc = m === 0 ? 1 : Math.sin(arg) / arg;
      const t = (2 * i) / (len - 1) - 1;
      const w = besselI0(KAISER_BETA * Math.sqrt(Math.max(0, 1 - t * t))) / i0Beta;
      taps[i] = fc * sinc * w;
      sum += taps[i];
    }
    for (let i = 0; i < len; i++) taps[i] = (taps[i] / sum) * up; // firwin scales to unit DC gain; resample_poly multiplies by up
  }

  const phases = new Float64Array(len);
  const phaseStart = new Int32Array(up);
  const phaseLength = new Int32Array(up);
  let at = 0;
  for (let r = 0; r < up; r++) {
    phaseStart[r] = at;
    for (let i = r; i < len; i += up) phases[at++] = taps[i];
    phaseLength[r] = at - phaseStart[r];
  }
  const bank: FilterBank = { up, down, half, taps, phases, phaseStart, phaseLength };
  banks.set(key, bank);
  return bank;
}

/** Output length of resampling nIn samples by up/down: ceil(nIn*up/down), as scipy. */
export function outputLength(nIn: number, up: number, down: number): number {
  return Math.ceil((nIn * up) / down);
}

/** Input samples [lo, hi) that outputs first..first+count-1 depend on (before clipping to the signal). */
export function inputSupport(bank: FilterBank, first: number, count: number): { lo: number; hi: number } {
  const lo = Math.ceil((first * bank.down - bank.half) / bank.up);
  const hi = Math.floor(((first + count - 1) * bank.down + bank.half) / bank.up) + 1;
  return { lo, hi };
}

type Samples = Float64Array | Float32Array;

/**
 * Outputs first..first+count-1 of resampling a whole signal of which `x` holds samples
 * xStart..xStart+x.length-1 (all other samples count as 0), times `scale`, written to out[outOffset...].
 * `x` must cover inputSupport(...) clipped to the signal for the result to equal the whole-signal one.
 */
export function resampleInto(x: Samples, xStart: number, bank: FilterBank, first: number, count: number, out: Samples, outOffset: number, scale = 1): void {
  // The WASM SIMD kernel where it runs (the same sums, to rounding), the JS reference otherwise.
  if (firKernel()?.run(x, xStart, bank, first, count, out, outOffset, scale)) return;
  resampleJs(x, xStart, bank, first, count, out, outOffset, scale);
}

/** scipy.signal.resample_poly(x, up, down) with its defaults (Kaiser 5.0, zero padding). */
export function resamplePoly(x: Samples, up: number, down: number): Float64Array {
  const bank = filterBank(up, down);
  const n = outputLength(x.length, bank.up, bank.down);
  const out = new Float64Array(n);
  resampleInto(x, 0, bank, 0, n, out, 0);
  return out;
}
