import { describe, expect, it } from 'vitest';
import { STANDARD_LEADS } from '../../src/shared/leads.js';
import type { Reading } from '../../src/main/formats/types.js';
import { canonicalize } from '../../src/main/signal/canonical.js';
import { resamplePoly } from '../../src/main/signal/resample.js';

/** A Reading built in code: each channel a sum of sines (mV) so the expected output is known at any rate. */
function reading(names: string[], fs: number, seconds: number, opts: { units?: string[]; scale?: number[]; wave?: (ch: number, t: number) => number } = {}): Reading & { signals: Float64Array[] } {
  const n = Math.round(fs * seconds);
  const wave = opts.wave ?? leadWave;
  const signals = names.map((_, ch) => Float64Array.from({ length: n }, (_, i) => wave(ch, i / fs) * (opts.scale?.[ch] ?? 1)));
  return {
    record: 'generated',
    fs,
    sigLen: n,
    totalLen: n,
    // 1000 ADC steps per mV whatever the units (1 per uV, 1e6 per V)
    channels: names.map((name, ch) => ({ name, units: opts.units?.[ch] ?? 'mV', fmt: '16', gain: 1000 / (opts.scale?.[ch] ?? 1), baseline: 0 })),
    signals,
    comments: [],
    warnings: [],
  };
}

/** Channel ch: a slow and a faster sine, both well inside the 0-40 Hz band kept at 100 Hz. */
const leadWave = (ch: number, t: number) => 0.8 * Math.sin(2 * Math.PI * (1 + ch * 0.37) * t + ch) + 0.2 * Math.sin(2 * Math.PI * (9 + ch) * t);

function maxError(c: Float32Array, lead: number, length: number, expected: (k: number) => number, from: number, to: number): number {
  let worst = 0;
  for (let k = from; k < to; k++) worst = Math.max(worst, Math.abs(c[lead * length + k] - expected(k)));
  return worst;
}

describe('canonicalize', () => {
  it('brings a 12-lead 500 Hz record to 12 x 1000 at 100 Hz, leads in standard order', () => {
    const names = ['V1', 'V2', 'V3', 'V4', 'V5', 'V6', 'I', 'II', 'III', 'aVR', 'aVL', 'aVF'];
    const c = canonicalize(reading(names, 500, 10));
    expect(c.data).toHaveLength(12000);
    expect(c.leadStatus.every((s) => s === 'present')).toBe(true);
    expect([c.windowStart, c.validLength, c.nanCount]).toEqual([0, 1000, 0]);
    expect(c.missingLeads).toEqual([]);
    STANDARD_LEADS.forEach((lead, at) => {
      const ch = names.indexOf(lead);
      expect(maxError(c.data, at, 1000, (k) => leadWave(ch, k / 100), 50, 950), lead).toBeLessThan(1.5e-3);
    });
  });

  it('rebuilds limb leads a cart computed from I and II, within one ADC step of resampling them', () => {
    // Stored like a cart: I and II sampled, III, aVR, aVL, aVF computed and rounded to 1 uV.
    const names = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
    const q = (v: number) => Math.round(v * 1000) / 1000;
    const wave = (ch: number, t: number) => {
      const I = q(leadWave(0, t));
      const II = q(leadWave(1, t));
      return [I, II, q(II - I), q(-(I + II) / 2), q(I - II / 2), q(II - I / 2)][ch] ?? q(leadWave(ch, t));
    };
    const r = reading(names, 500, 10, { wave });
    const c = canonicalize(r);
    expect(c.leadStatus.every((s) => s === 'present')).toBe(true);
    for (let lead = 0; lead < 12; lead++) {
      const direct = resamplePoly(r.signals[lead], 1, 5);
      let worst = 0;
      for (let k = 0; k < 1000; k++) worst = Math.max(worst, Math.abs(c.data[lead * 1000 + k] - direct[k]));
      expect(worst, names[lead]).toBeLessThan(lead < 2 || lead > 5 ? 1e-6 : 1e-3); // one ADC step
    }
    // One sample off by 10 uV (10 ADC steps) in aVL: that lead is resampled on its own, exactly.
    r.signals[4][2500] += 0.01;
    const off = canonicalize(r);
    const direct = resamplePoly(r.signals[4], 1, 5);
    for (let k = 0; k < 1000; k++) expect(Math.abs(off.data[4000 + k] - direct[k])).toBeLessThan(1e-6);
  });

  it('converts microvolts and volts to millivolts', () => {
    const names = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
    const mv = canonicalize(reading(names, 500, 10));
    const units = names.map((_, i) => (i % 3 === 0 ? 'uV' : i % 3 === 1 ? 'V' : 'mv'));
    const scale = units.map((u) => (u === 'uV' ? 1000 : u === 'V' ? 0.001 : 1));
    const mixed = canonicalize(reading(names, 500, 10, { units, scale }));
    let worst = 0;
    for (let i = 0; i < 12000; i++) worst = Math.max(worst, Math.abs(mixed.data[i] - mv.data[i]));
    expect(worst).toBeLessThan(1e-6);
  });

  it('derives III, aVR, aVL, aVF from I and II when a cart stores 8 leads', () => {
    const eight = ['I', 'II', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
    const c = canonicalize(reading(eight, 500, 10));
    expect(c.derivedLeads).toEqual(['III', 'aVR', 'aVL', 'aVF']);
    expect(c.leadStatus.slice(0, 6)).toEqual(['present', 'present', 'derived', 'derived', 'derived', 'derived']);
    const L = 1000;
    for (let k = 0; k < L; k += 7) {
      const I = c.data[k];
      const II = c.data[L + k];
      expect(c.data[2 * L + k]).toBeCloseTo(II - I, 5);
      expect(c.data[3 * L + k]).toBeCloseTo(-(I + II) / 2, 5);
      expect(c.data[4 * L + k]).toBeCloseTo(I - II / 2, 5);
      expect(c.data[5 * L + k]).toBeCloseTo(II - I / 2, 5);
    }
    // V1-V6 keep their own channels (2..7 of the source)
    expect(maxError(c.data, 6, L, (k) => leadWave(2, k / 100), 50, 950)).toBeLessThan(1.5e-3);
  });

  it('ignores channels that are not a voltage and zero-fills what cannot be derived', () => {
    const c = canonicalize(reading(['MLII', 'ABP', 'V5'], 360, 10, { units: ['mV', 'mmHg', 'mV'] }));
    expect(c.leadStatus).toEqual(['missing', 'present', 'missing', 'missing', 'missing', 'missing', 'missing', 'missing', 'missing', 'missing', 'present', 'missing']);
    expect(c.missingLeads).toEqual(['I', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V6']);
    expect(c.unmatchedChannels).toEqual(['ABP']);
    expect(c.data.subarray(0, 1000).every((v) => v === 0)).toBe(true);
    expect(maxError(c.data, 1, 1000, (k) => leadWave(0, k / 100), 50, 950)).toBeLessThan(1.5e-3);
    expect(c.warnings.join('\n')).toMatch(/missing leads zero-filled: I, III/);
  });

  it('ignores uncalibrated channels (ADC units, not mV)', () => {
    const r = reading(['I', 'II', 'V1'], 500, 10);
    const c = canonicalize({ ...r, channels: r.channels.map((ch, i) => (i === 1 ? { ...ch, uncalibrated: true } : ch)) });
    expect(c.leadStatus.slice(0, 7)).toEqual(['present', 'missing', 'missing', 'missing', 'missing', 'missing', 'present']);
    expect(c.warnings.join('\n')).toMatch(/'II' has no calibration/);
  });

  it('passes a record already at the target rate through unchanged', () => {
    const r = reading(['I', 'II', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'], 100, 10);
    const c = canonicalize(r);
    for (let k = 0; k < 1000; k++) expect(c.data[1000 + k]).toBe(Math.fround(r.signals[1][k]));
  });

  it('honours other rates and lengths (250 Hz x 2500 from 1000 Hz PTB)', () => {
    const c = canonicalize(reading(['I', 'II', 'III'], 1000, 12), { rate: 250, length: 2500 });
    expect(c.data).toHaveLength(12 * 2500);
    expect(c.validLength).toBe(2500);
    expect(maxError(c.data, 2, 2500, (k) => leadWave(2, k / 250), 100, 2400)).toBeLessThan(1.5e-3);
    expect(() => canonicalize(reading(['I'], 500, 1), { length: 0 })).toThrow(RangeError);
  });
});

describe('canonicalize: short and long records', () => {
  it('zero-pads a 7 s record at the end and records the valid length (CODE-15 at 400 Hz)', () => {
    const c = canonicalize(reading(['I', 'II', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'], 400, 7.3));
    expect(c.validLength).toBe(730);
    expect(c.windowStart).toBe(0);
    for (let lead = 0; lead < 12; lead++) expect(c.data.subarray(lead * 1000 + 730, (lead + 1) * 1000).every((v) => v === 0)).toBe(true);
    expect(maxError(c.data, 0, 1000, (k) => leadWave(0, k / 100), 50, 680)).toBeLessThan(1.5e-3);
    expect(c.warnings.join('\n')).toMatch(/730 of 1000 samples/);
  });

  it('cuts the window of a 30 min 257 Hz record (INCART) by the chosen rule, with real neighbours at its edges', () => {
    const names = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
    const r = reading(names, 257, 1800);
    // Lead-off: a flat line on V3 for the first 25.5 s, NaN on V4 for the first 5.5 s.
    r.signals[8].fill(0.1, 0, Math.round(25.5 * 257));
    r.signals[9].fill(Number.NaN, 0, Math.round(5.5 * 257));
    const first = canonicalize(r, { window: 'first' });
    const center = canonicalize(r, { window: 'center' });
    const cleanest = canonicalize(r);
    expect(first.windowStart).toBe(0);
    expect(first.nanCount).toBe(1414);
    expect(first.leadStatus[9]).toBe('present');
    expect(first.data.subarray(9000, 9550).every((v) => v === 0)).toBe(true); // long gap zeroed
    expect(center.windowStart).toBe(89500 * 2.57); // output 89500 of 180000, 1000 before the middle half
    expect(cleanest.windowStart).toBe(26 * 257); // first whole second after the lead-off
    for (const [c, t0] of [[center, 895], [cleanest, 26]] as const) {
      expect(c.nanCount).toBe(0);
      for (const lead of [0, 8, 11]) expect(maxError(c.data, lead, 1000, (k) => leadWave(lead, t0 + k / 100), 0, 1000), `${lead}`).toBeLessThan(1.5e-3);
    }
  });
});

describe('canonicalize: invalid samples', () => {
  const names = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];

  it('bridges a short NaN gap and counts it', () => {
    const clean = canonicalize(reading(names, 500, 10));
    const r = reading(names, 500, 10);
    r.signals[6].fill(Number.NaN, 2000, 2010); // 20 ms dropout in V1
    const c = canonicalize(r);
    expect(c.nanCount).toBe(10);
    expect(c.data.every((v) => Number.isFinite(v))).toBe(true);
    // A straight line across 20 ms of the 15 Hz component (0.2 mV) departs from it by < 0.1 mV;
    // 150 ms away from the gap the record is as clean as without it.
    expect(maxError(c.data, 6, 1000, (k) => clean.data[6000 + k], 0, 1000)).toBeLessThan(0.1);
    expect(maxError(c.data, 6, 1000, (k) => clean.data[6000 + k], 0, 385)).toBeLessThan(1e-3);
    expect(maxError(c.data, 6, 1000, (k) => clean.data[6000 + k], 417, 1000)).toBeLessThan(1e-3);
    expect(c.warnings.join('\n')).toMatch(/10 invalid \(NaN\) samples/);
  });

  it('zeroes the output inside a long gap and leaves the rest as the clean record', () => {
    const clean = canonicalize(reading(names, 500, 10));
    const r = reading(names, 500, 10);
    r.signals[1].fill(Number.NaN, 1500, 2000); // 1 s lead-off on II: 3.0 s to 4.0 s
    const c = canonicalize(r);
    expect(c.nanCount).toBe(500);
    for (let k = 300; k < 400; k++) expect(c.data[1000 + k]).toBe(0);
    expect(maxError(c.data, 1, 1000, (k) => clean.data[1000 + k], 0, 280)).toBeLessThan(1e-3);
    expect(maxError(c.data, 1, 1000, (k) => clean.data[1000 + k], 420, 1000)).toBeLessThan(1e-3);
    expect(maxError(c.data, 0, 1000, (k) => clean.data[k], 0, 1000)).toBe(0); // other leads untouched
  });

  it('treats a channel without one valid sample in the window as absent', () => {
    const r = reading(names, 500, 30);
    r.signals[9].fill(Number.NaN, 0, 5000); // V4 off for the first 10 s only
    const c = canonicalize(r, { window: 'first' });
    expect(c.leadStatus[9]).toBe('missing');
    expect(c.nanCount).toBe(0);
    expect(canonicalize(r).windowStart).toBe(5000); // 'cleanest' moves past it
  });

  it('derives a lead whose channel is all NaN', () => {
    const r = reading(names, 500, 10);
    r.signals[2].fill(Number.NaN);
    const c = canonicalize(r);
    expect(c.leadStatus[2]).toBe('derived');
    expect(c.unmatchedChannels).toEqual(['III']);
    for (let k = 0; k < 1000; k += 9) expect(c.data[2000 + k]).toBeCloseTo(c.data[1000 + k] - c.data[k], 5);
    expect(c.warnings.join('\n')).toMatch(/no valid samples in 'III'/);
  });

  it('returns zeros with a warning for an empty record', () => {
    const c = canonicalize(reading(['I', 'II'], 500, 0));
    expect(c.validLength).toBe(0);
    expect(c.missingLeads).toHaveLength(12);
    expect(c.data.every((v) => v === 0)).toBe(true);
  });
});
