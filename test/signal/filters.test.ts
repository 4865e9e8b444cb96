// Display filters on generated signals: what each removes, what it keeps, and that no wave moves.
import { describe, expect, it } from 'vitest';
import { applyFilters, planFilters } from '../../src/main/signal/filters.js';

const FS = 500;
const N = 10 * FS;
const sine = (hz: number, mv: number, n = N, fs = FS) => Float64Array.from({ length: n }, (_, i) => mv * Math.sin((2 * Math.PI * hz * i) / fs));
const rms = (x: ArrayLike<number>, from = FS, to = x.length - FS) => {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] * x[i];
  return Math.sqrt(s / (to - from));
};
const add = (...xs: Float64Array[]) => xs.reduce((a, b) => a.map((v, i) => v + b[i]));
/** A 20 ms triangular 'QRS' at each position. */
function spikes(at: number[], n = N): Float64Array {
  const x = new Float64Array(n);
  for (const p of at) for (let d = -5; d <= 5; d++) x[p + d] += 1 - Math.abs(d) / 6;
  return x;
}

describe('planFilters', () => {
  it('applies what the rate carries and says what it left off', () => {
    expect(planFilters(500, { baseline: true, notch: 60, lowpass: 150 }).applied).toEqual({ baseline: true, notch: 60, lowpass: 150 });
    const canonical = planFilters(100, { baseline: true, notch: 60, lowpass: 150 });
    expect(canonical.applied).toEqual({ baseline: true, notch: 0, lowpass: 0 });
    expect(canonical.notes).toHaveLength(2);
    expect(planFilters(100, { baseline: false, notch: 0, lowpass: 40 }).applied.lowpass).toBe(40);
    expect(planFilters(500, { baseline: false, notch: 0, lowpass: 0 }).sections).toHaveLength(0);
  });
});

describe('applyFilters', () => {
  it('50 Hz notch removes mains hum and keeps 10 Hz', () => {
    const plan = planFilters(FS, { baseline: false, notch: 50, lowpass: 0 });
    expect(rms(applyFilters(sine(50, 1), plan))).toBeLessThan(0.01);
    expect(rms(applyFilters(sine(10, 1), plan)) / rms(sine(10, 1))).toBeGreaterThan(0.99);
    // 60 Hz hum is not touched by the 50 Hz notch, but by its own.
    expect(rms(applyFilters(sine(60, 1), plan)) / rms(sine(60, 1))).toBeGreaterThan(0.95);
    expect(rms(applyFilters(sine(60, 1), planFilters(FS, { baseline: false, notch: 60, lowpass: 0 })))).toBeLessThan(0.01);
  });

  it('baseline removal takes out a slow drift and an offset, keeps the QRS', () => {
    const plan = planFilters(FS, { baseline: true, notch: 0, lowpass: 0 });
    const qrs = spikes([1000, 1400, 1800, 2200, 2600, 3000, 3400]);
    const drift = add(sine(0.1, 0.8), Float64Array.from({ length: N }, () => 2));
    const out = applyFilters(add(qrs, drift), plan);
    let worst = 0;
    for (let i = FS; i < N - FS; i++) worst = Math.max(worst, Math.abs(out[i] - qrs[i]));
    // What is left of the drift is small next to the 1 mV QRS, and the QRS peaks stay about 1 mV tall.
    expect(worst).toBeLessThan(0.15);
    for (const p of [1400, 2200, 3000]) expect(out[p]).toBeGreaterThan(0.8);
  });

  it('40 Hz low-pass damps 100 Hz noise, passes 5 Hz, and moves no peak (zero phase)', () => {
    const plan = planFilters(FS, { baseline: false, notch: 0, lowpass: 40 });
    expect(rms(applyFilters(sine(100, 1), plan))).toBeLessThan(0.08);
    expect(rms(applyFilters(sine(5, 1), plan)) / rms(sine(5, 1))).toBeGreaterThan(0.99);
    const at = [1000, 2000, 3000];
    const out = applyFilters(spikes(at), plan);
    for (const p of at) {
      let best = p - 20;
      for (let i = p - 20; i <= p + 20; i++) if (out[i] > out[best]) best = i;
      expect(best).toBe(p);
    }
  });

  it('keeps invalid samples invalid and filters around them', () => {
    const x = add(sine(10, 1), sine(50, 0.5));
    for (let i = 2000; i < 2050; i++) x[i] = Number.NaN;
    const out = applyFilters(x, planFilters(FS, { baseline: false, notch: 50, lowpass: 0 }));
    for (let i = 2000; i < 2050; i++) expect(out[i]).toBeNaN();
    expect(out.slice(0, 2000).every(Number.isFinite)).toBe(true);
    let err = 0;
    const clean = sine(10, 1);
    for (let i = FS; i < 1800; i++) err = Math.max(err, Math.abs(out[i] - clean[i]));
    expect(err).toBeLessThan(0.02);
  });

  it('leaves the input alone with no filter', () => {
    const x = sine(10, 1);
    expect(applyFilters(x, planFilters(FS, { baseline: false, notch: 0, lowpass: 0 }))).toEqual(x);
  });
});
