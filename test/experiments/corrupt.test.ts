// The corruption functions on signals whose answer is known: a long sine for the SNR, a ramp for
// the masks and dropped leads, flat records for wander and mains.
import { describe, expect, it } from 'vitest';
import { aliasedFrequency, baselineWander, corrupt, droppedLeads, gaussianNoise, leadDropout, mainsInterference, timeMask } from '../../src/main/signal/corrupt.js';

const LEADS = 12;

/** 12 leads of `n` samples, lead l = f(l, i). */
function record(n: number, f: (lead: number, i: number) => number): Float32Array {
  const x = new Float32Array(LEADS * n);
  for (let l = 0; l < LEADS; l++) for (let i = 0; i < n; i++) x[l * n + i] = f(l, i);
  return x;
}

const ramp = (n = 1000) => record(n, (l, i) => 1 + l * 1000 + i); // never 0

describe('time masking', () => {
  it('zeroes exactly the runs it reports, on every lead, and nothing else', () => {
    const x = ramp();
    for (const seed of [1, 2, 3, 99]) {
      const { record: y, runs } = timeMask(x, { length: 150, runs: 3 }, seed);
      expect(runs.length).toBe(3);
      const masked = new Set<number>();
      runs.forEach((r, k) => {
        expect(r.length).toBe(150);
        expect(r.start).toBeGreaterThanOrEqual(k === 0 ? 0 : runs[k - 1].start + 150); // in order, no overlap
        expect(r.start + r.length).toBeLessThanOrEqual(1000);
        for (let i = r.start; i < r.start + r.length; i++) masked.add(i);
      });
      expect(masked.size).toBe(450);
      for (let l = 0; l < LEADS; l++) for (let i = 0; i < 1000; i++) expect(y[l * 1000 + i]).toBe(masked.has(i) ? 0 : x[l * 1000 + i]);
    }
    expect(x[0]).toBe(1); // the input is left alone
  });

  it('the same seed gives the same runs; runs that cannot fit are refused', () => {
    expect(timeMask(ramp(), { length: 100 }, 7).runs).toEqual(timeMask(ramp(), { length: 100 }, 7).runs);
    const starts = new Set([1, 2, 3, 4, 5, 6].map((s) => timeMask(ramp(), { length: 100 }, s).runs[0].start));
    expect(starts.size).toBeGreaterThan(1);
    expect(() => timeMask(ramp(), { length: 600, runs: 2 }, 1)).toThrow(/do not fit/);
  });
});

describe('lead dropout', () => {
  it('zeroes the leads it names and leaves the others bit-equal', () => {
    const x = ramp();
    for (const strength of [1, 3, 9, 'limb-only', 'single-lead'] as const) {
      const { record: y, dropped } = leadDropout(x, strength, 5);
      const want = strength === 'limb-only' ? 6 : strength === 'single-lead' ? 11 : strength;
      expect(dropped.length).toBe(want);
      expect(new Set(dropped).size).toBe(want);
      for (let l = 0; l < LEADS; l++) {
        const a = x.subarray(l * 1000, (l + 1) * 1000);
        const b = y.subarray(l * 1000, (l + 1) * 1000);
        if (dropped.includes(l)) expect(b.every((v) => v === 0)).toBe(true);
        else expect(Buffer.from(b.buffer, b.byteOffset, b.byteLength).equals(Buffer.from(a.buffer, a.byteOffset, a.byteLength))).toBe(true);
      }
    }
    expect(droppedLeads('limb-only', 0)).toEqual([6, 7, 8, 9, 10, 11]); // V1-V6 gone, I..aVF kept
    expect(droppedLeads('single-lead', 0)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]); // lead I kept
    expect(droppedLeads(4, 11)).toEqual(droppedLeads(4, 11));
    expect(() => droppedLeads(12, 0)).toThrow(/lead dropout/);
  });
});

describe('Gaussian noise', () => {
  it('a long sine at 10 dB measures 10 +- 0.2 dB on every lead; a flat lead stays flat', () => {
    const n = 100_000;
    const x = record(n, (l, i) => (l === 11 ? 0 : (0.5 + 0.1 * l) * Math.sin((2 * Math.PI * i) / 73) + 0.3));
    for (const snr of [10, 0, 20]) {
      const { record: y, noiseSd } = gaussianNoise(x, snr, 42);
      for (let l = 0; l < 11; l++) {
        let ps = 0;
        let pn = 0;
        for (let i = 0; i < n; i++) {
          const s = x[l * n + i] - 0.3; // the sine about its mean
          ps += s * s;
          pn += (y[l * n + i] - x[l * n + i]) ** 2;
        }
        expect(Math.abs(10 * Math.log10(ps / pn) - snr)).toBeLessThan(0.2);
      }
      expect(noiseSd[11]).toBe(0);
      expect(y.subarray(11 * n).every((v) => v === 0)).toBe(true);
    }
  });

  it('reproduces with its seed and differs with another', () => {
    const x = ramp();
    expect(gaussianNoise(x, 5, 1).record).toEqual(gaussianNoise(x, 5, 1).record);
    expect(gaussianNoise(x, 5, 2).record).not.toEqual(gaussianNoise(x, 5, 1).record);
  });
});

describe('baseline wander and mains', () => {
  it('wander: a sinusoid of the asked peak amplitude at 0.05-0.5 Hz on every lead', () => {
    const rate = 100;
    const n = 60_000; // 10 min: several periods even at 0.05 Hz
    const { record: y, frequencyHz } = baselineWander(new Float32Array(LEADS * n), 0.4, 8, rate);
    expect(frequencyHz).toBeGreaterThanOrEqual(0.05);
    expect(frequencyHz).toBeLessThanOrEqual(0.5);
    for (let l = 0; l < LEADS; l++) {
      const lead = y.subarray(l * n, (l + 1) * n);
      expect(Math.max(...lead)).toBeCloseTo(0.4, 3);
      expect(Math.min(...lead)).toBeCloseTo(-0.4, 3);
      // Zero crossings match the frequency: 2 per period.
      let crossings = 0;
      for (let i = 1; i < n; i++) if (Math.sign(lead[i]) !== Math.sign(lead[i - 1]) && lead[i] !== 0) crossings++;
      expect(Math.abs(crossings - 2 * frequencyHz * (n / rate))).toBeLessThanOrEqual(2);
    }
  });

  it('mains: 60 Hz sampled at 500 Hz has its amplitude; at 100 Hz it aliases to 40 Hz and 50 Hz sits at Nyquist at full amplitude', () => {
    const flat = new Float32Array(LEADS * 1000);
    const at500 = mainsInterference(flat, 0.1, 3, 500, 60).record;
    expect(Math.max(...at500.subarray(0, 1000))).toBeCloseTo(0.1, 3);
    expect(at500.subarray(0, 1000)).toEqual(at500.subarray(5000, 6000)); // same on every lead
    expect(aliasedFrequency(60, 100)).toBe(40);
    const { record: nyq, apparentHz } = mainsInterference(flat, 0.1, 3, 100, 50);
    expect(apparentHz).toBe(50);
    for (let i = 0; i < 1000; i++) expect(Math.abs(nyq[i])).toBeCloseTo(0.1, 6);
    // Power of the aliased tone: A^2 / 2.
    const aliased = mainsInterference(flat, 0.1, 3, 100, 60).record.subarray(0, 1000);
    expect(aliased.reduce((s, v) => s + v * v, 0) / 1000).toBeCloseTo(0.005, 4);
  });

  it('corrupt() dispatches by kind with the record rate', () => {
    const x = ramp();
    expect(corrupt(x, { kind: 'lead_dropout', strength: 'limb-only' }, 1, 100)).toEqual(leadDropout(x, 'limb-only', 1).record);
    expect(corrupt(x, { kind: 'time_mask', strength: 100, runs: 2 }, 4, 100)).toEqual(timeMask(x, { length: 100, runs: 2 }, 4).record);
    expect(() => corrupt(x, { kind: 'gaussian_noise', strength: 'single-lead' }, 1, 100)).toThrow(/not a number/);
  });
});
