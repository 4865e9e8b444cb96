// Butterworth design and filtering against SciPy on real records (cinc/ at 500 Hz, and the same
// records brought to 257 Hz by the project's resampler): sections equal butter(..., output='sos'),
// outputs equal sosfiltfilt / sosfilt to 1e-6 mV; and a grid of every order 1-12 of each type at six rates.
import { beforeAll, describe, expect, it } from 'vitest';
import { readRecord } from '../../src/main/formats/index.js';
import { butterSos, sosfilt, sosfiltfilt, sosfiltfiltPadlen, type ButterType } from '../../src/main/signal/butterworth.js';
import { resamplePoly, resampleRatio } from '../../src/main/signal/index.js';
import { lcgNoise } from './scipy-fixtures.js';
import { scipyFilter, type FilterCase, type FilterResult } from './scipy-filter.js';

const samples = (path: string) => new URL(`../../../shared/ecg-samples/${path}`, import.meta.url).pathname;

const DESIGNS: { order: number; cutoff: number | [number, number]; type: ButterType }[] = [
  { order: 4, cutoff: [0.5, 40], type: 'bandpass' },
  { order: 2, cutoff: 0.5, type: 'highpass' },
  { order: 8, cutoff: 40, type: 'lowpass' },
  { order: 3, cutoff: 40, type: 'lowpass' }, // odd order: one real pole, a section with b2 = a2 = 0
];

const cases: FilterCase[] = [];
let results: FilterResult[] = [];

beforeAll(async () => {
  // Lead II of a CPSC record (25 s) and V2 of a Chapman record (10 s), in mV.
  const signals: Float64Array[] = [];
  for (const [path, lead] of [['cinc/cpsc/A0005', 1], ['cinc/chapman/JS00001', 7]] as const) {
    const r = await readRecord(samples(path));
    expect(r.fs).toBe(500);
    signals.push(r.signals[lead]);
  }
  for (const rate of [500, 257]) {
    for (const raw of signals) {
      const { up, down } = resampleRatio(500, rate);
      const x = rate === 500 ? raw : resamplePoly(raw, up, down);
      for (const d of DESIGNS) for (const zeroPhase of [true, false]) cases.push({ ...d, rate, zeroPhase, x: Array.from(x) });
    }
  }
  results = scipyFilter(cases);
});

describe('Butterworth filters equal SciPy on real records', () => {
  it('designs the sections of butter(order, Wn, btype, fs, output="sos")', () => {
    let worst = 0;
    cases.forEach((c, i) => {
      const sos = butterSos(c.order, c.cutoff, c.type, c.rate);
      const ref = results[i].sos;
      expect(sos.length, `${c.type} ${c.order}`).toBe(ref.length);
      sos.forEach((s, k) => s.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - ref[k][j]) / Math.max(1, Math.abs(ref[k][j]))))));
    });
    console.log(`butterworth: worst coefficient difference from SciPy ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-10);
  });

  it('filters as sosfiltfilt (zero phase) and sosfilt (causal) to 1e-6 mV', () => {
    let worst = 0;
    let worstBa = 0;
    cases.forEach((c, i) => {
      const sos = butterSos(c.order, c.cutoff, c.type, c.rate);
      const y = c.zeroPhase ? sosfiltfilt(sos, c.x) : sosfilt(sos, c.x);
      const ref = results[i].y;
      expect(y.length).toBe(ref.length);
      let d = 0;
      let dBa = 0;
      for (let k = 0; k < y.length; k++) {
        d = Math.max(d, Math.abs(y[k] - ref[k]));
        dBa = Math.max(dBa, Math.abs(results[i].yBa[k] - ref[k]));
      }
      expect(d, `${c.type} order ${c.order} at ${c.rate} Hz, zero phase ${c.zeroPhase}`).toBeLessThanOrEqual(1e-6);
      worst = Math.max(worst, d);
      worstBa = Math.max(worstBa, dBa);
    });
    console.log(`butterworth: worst output difference from SciPy ${worst.toExponential(2)} mV over ${cases.length} runs (SciPy's own 'ba' form is ${worstBa.toExponential(2)} mV off its 'sos')`);
  });

  it('designs every order 1-12 of each type at common rates as SciPy does', () => {
    const grid: FilterCase[] = [];
    const x = Array.from(lcgNoise(700, 11));
    for (const rate of [100, 128, 257, 360, 500, 1000]) {
      for (let order = 1; order <= 12; order++) {
        grid.push({ order, cutoff: [0.05 * rate, 0.3 * rate], type: 'bandpass', rate, zeroPhase: order % 2 === 0, x });
        grid.push({ order, cutoff: 0.67, type: 'highpass', rate, zeroPhase: order % 2 === 1, x });
        grid.push({ order, cutoff: 0.4 * rate, type: 'lowpass', rate, zeroPhase: order % 2 === 0, x });
      }
    }
    const ref = scipyFilter(grid);
    grid.forEach((c, i) => {
      const sos = butterSos(c.order, c.cutoff, c.type, c.rate);
      const label = `${c.type} order ${c.order} at ${c.rate} Hz`;
      expect(sos.length, label).toBe(ref[i].sos.length);
      sos.forEach((sec, k) => sec.forEach((v, j) => expect(Math.abs(v - ref[i].sos[k][j]), `${label} section ${k}`).toBeLessThan(1e-9 * Math.max(1, Math.abs(ref[i].sos[k][j])))));
      const y = c.zeroPhase ? sosfiltfilt(sos, c.x) : sosfilt(sos, c.x);
      let d = 0;
      for (let k = 0; k < y.length; k++) d = Math.max(d, Math.abs(y[k] - ref[i].y[k]));
      expect(d, label).toBeLessThanOrEqual(1e-6);
    });
  });

  it('pads as sosfiltfilt does and refuses signals no longer than the padding', () => {
    expect(sosfiltfiltPadlen(butterSos(4, [0.5, 40], 'bandpass', 500))).toBe(27); // 4 sections, none of them first order
    expect(sosfiltfiltPadlen(butterSos(3, 40, 'lowpass', 500))).toBe(12); // 2 sections, one first order
    expect(() => sosfiltfilt(butterSos(2, 0.5, 'highpass', 500), new Float64Array(9))).toThrow(/more than 9 samples/);
  });

  it('refuses cutoffs at or above Nyquist and bad orders', () => {
    expect(() => butterSos(4, 130, 'lowpass', 257)).toThrow(/between 0 and 128.5 Hz/);
    expect(() => butterSos(0, 40, 'lowpass', 500)).toThrow(/order/);
    expect(() => butterSos(4, [40, 0.5], 'bandpass', 500)).toThrow(/below/);
  });
});
