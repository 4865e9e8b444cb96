// Augmentations: seeded (same seed, same views; a record's view does not depend on the batch
// around it), probability 0 leaves records alone, and each transform does what it says on a
// real record (masked runs are exactly zero, masked leads entirely, shifts move samples...).
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend } from '../../src/main/ml/backend.js';
import { augmentBatch, augmentTensor, augmentConfig, DEFAULT_AUGMENT, NO_AUGMENT, type AugmentOverrides } from '../../src/main/ml/augment.js';
import { normalizeBatch, denormalizeBatch } from '../../src/main/ml/normalize.js';
import { Rng } from '../../src/main/ml/rng.js';
import { realRecords } from './real-records.js';

const T = 1000;
let batch: Float32Array; // 4 records, z-scored, + 10 so no sample is 0 before masking
let raw: Float32Array;

beforeAll(async () => {
  await chooseBackend({ prefer: 'wasm', env: {} });
  raw = (await realRecords(4)).data;
  batch = normalizeBatch(raw, 4, 12, 'zscore-per-lead').data.map((v) => v + 10);
});

function only(o: AugmentOverrides): ReturnType<typeof augmentConfig> {
  return augmentConfig(o, NO_AUGMENT);
}

/** The first record alone. */
function one(): Float32Array {
  return batch.subarray(0, 12 * T);
}

function lead(x: Float32Array, record: number, l: number): Float32Array {
  return x.subarray((record * 12 + l) * T, (record * 12 + l + 1) * T);
}

describe('determinism', () => {
  it('same seed gives the same batch, another seed another', () => {
    const a = augmentBatch(batch, 4, 12, DEFAULT_AUGMENT, 42);
    const b = augmentBatch(batch, 4, 12, DEFAULT_AUGMENT, 42);
    const c = augmentBatch(batch, 4, 12, DEFAULT_AUGMENT, 43);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    expect(a).not.toEqual(batch);
  });

  it("a record's view is the same in a batch of 2 as in a batch of 4", () => {
    const four = augmentBatch(batch, 4, 12, DEFAULT_AUGMENT, 7);
    const two = augmentBatch(batch.subarray(0, 2 * 12 * T), 2, 12, DEFAULT_AUGMENT, 7);
    expect(two).toEqual(four.subarray(0, 2 * 12 * T));
  });

  it('on a tensor: the same views as on the array, in a new tensor', () => {
    const x = tf.tensor3d(batch, [4, 12, T]);
    const y = augmentTensor(x, DEFAULT_AUGMENT, 42);
    expect(y.shape).toEqual([4, 12, T]);
    expect(y.dataSync()).toEqual(augmentBatch(batch, 4, 12, DEFAULT_AUGMENT, 42));
    expect(x.dataSync()).toEqual(batch);
    tf.dispose([x, y]);
  });

  it('probability 0 everywhere leaves the batch unchanged and the input is never modified', () => {
    const copy = Float32Array.from(batch);
    expect(augmentBatch(batch, 4, 12, NO_AUGMENT, 1)).toEqual(batch);
    augmentBatch(batch, 4, 12, DEFAULT_AUGMENT, 1);
    expect(batch).toEqual(copy);
  });

  it('the generator: same seed same stream; permutations are permutations; normals have mean 0, sd 1', () => {
    const a = new Rng(9);
    const b = new Rng(9);
    const xs = Array.from({ length: 5 }, () => a.uniform());
    expect(Array.from({ length: 5 }, () => b.uniform())).toEqual(xs);
    expect(Array.from(new Rng(3).permutation(50)).sort((p, q) => p - q)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const r = new Rng(5);
    const n = Array.from({ length: 20000 }, () => r.normal());
    const mean = n.reduce((s, v) => s + v, 0) / n.length;
    const sd = Math.sqrt(n.reduce((s, v) => s + (v - mean) ** 2, 0) / n.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(sd - 1)).toBeLessThan(0.03);
  });
});

describe('each transform', () => {
  it('time masking across all leads: one run of exactly 100 zeros at the same place on all 12 leads, the rest untouched', () => {
    const out = augmentBatch(batch, 4, 12, only({ timeMask: { p: 1, length: 100, perLead: false } }), 3);
    const starts = new Set<number>();
    for (let r = 0; r < 4; r++) {
      const zeros = Array.from(lead(out, r, 0).keys()).filter((i) => lead(out, r, 0)[i] === 0);
      expect(zeros.length).toBe(100);
      expect(zeros[99] - zeros[0]).toBe(99);
      starts.add(zeros[0]);
      for (let l = 0; l < 12; l++) {
        const o = lead(out, r, l);
        const x = lead(batch, r, l);
        for (let i = 0; i < T; i++) expect(o[i]).toBe(i >= zeros[0] && i < zeros[0] + 100 ? 0 : x[i]);
      }
    }
    expect(starts.size).toBeGreaterThan(1);
  });

  it('time masking per lead: every lead has its own run of 100 zeros', () => {
    const out = augmentBatch(one(), 1, 12, only({ timeMask: { p: 1, length: 100, perLead: true } }), 4);
    const starts = Array.from({ length: 12 }, (_, l) => {
      const o = lead(out, 0, l);
      const first = o.indexOf(0);
      expect(Array.from(o.subarray(first, first + 100)).every((v) => v === 0)).toBe(true);
      expect(o.filter((v) => v === 0).length).toBe(100);
      return first;
    });
    expect(new Set(starts).size).toBeGreaterThan(6);
  });

  it('lead masking: 1 to maxLeads whole leads are zero, the others untouched', () => {
    const counts = new Set<number>();
    for (let seed = 1; seed <= 12; seed++) {
      const out = augmentBatch(one(), 1, 12, only({ leadMask: { p: 1, maxLeads: 3 } }), seed);
      let masked = 0;
      for (let l = 0; l < 12; l++) {
        const o = lead(out, 0, l);
        if (o.every((v) => v === 0)) masked++;
        else expect(o).toEqual(lead(batch, 0, l));
      }
      expect(masked).toBeGreaterThanOrEqual(1);
      expect(masked).toBeLessThanOrEqual(3);
      counts.add(masked);
    }
    expect(counts.size).toBeGreaterThan(1);
  });

  it('amplitude scaling multiplies a record by one factor in [0.8, 1.2]', () => {
    const out = augmentBatch(batch, 2, 12, only({ scale: { p: 1 } }), 5);
    for (let r = 0; r < 2; r++) {
      const f = out[r * 12 * T] / batch[r * 12 * T];
      expect(f).toBeGreaterThanOrEqual(0.8);
      expect(f).toBeLessThanOrEqual(1.2);
      for (let i = 0; i < 12 * T; i += 97) expect(out[r * 12 * T + i]).toBeCloseTo(batch[r * 12 * T + i] * f, 4);
    }
  });

  it('Gaussian noise adds values of the configured standard deviation', () => {
    const out = augmentBatch(batch, 4, 12, only({ noise: { p: 1, std: 0.05 } }), 6);
    const d = out.map((v, i) => v - batch[i]);
    const sd = Math.sqrt(d.reduce((s, v) => s + v * v, 0) / d.length);
    expect(sd).toBeGreaterThan(0.048);
    expect(sd).toBeLessThan(0.052);
  });

  it('shift moves every lead by the same number of samples and fills the uncovered end with 0', () => {
    const out = augmentBatch(one(), 1, 12, only({ shift: { p: 1, maxShift: 50 } }), 8);
    const o = lead(out, 0, 3);
    const x = lead(batch, 0, 3);
    const k = Array.from({ length: 101 }, (_, j) => j - 50).find((s) => (s >= 0 ? o[s + 200] === x[200] && o[s + 300] === x[300] : o[200] === x[200 - s] && o[300] === x[300 - s]));
    expect(k).toBeDefined();
    expect(k).not.toBe(0);
    for (let l = 0; l < 12; l++) {
      const ol = lead(out, 0, l);
      const xl = lead(batch, 0, l);
      for (let i = 0; i < T; i++) expect(ol[i]).toBe(i - k! >= 0 && i - k! < T ? xl[i - k!] : 0);
    }
  });

  it('resized crop: scale 1 is the identity; smaller scales stretch a window of the record', () => {
    expect(augmentBatch(one(), 1, 12, only({ crop: { p: 1, minScale: 1 } }), 9)).toEqual(one());
    const out = augmentBatch(one(), 1, 12, only({ crop: { p: 1, minScale: 0.5 } }), 9);
    const o = lead(out, 0, 1);
    const x = lead(batch, 0, 1);
    const start = x.indexOf(o[0]);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(o).not.toEqual(x);
    // Stretched: the output's values stay within the range of the input.
    expect(Math.max(...o)).toBeLessThanOrEqual(Math.max(...x) + 1e-5);
    expect(Math.min(...o)).toBeGreaterThanOrEqual(Math.min(...x) - 1e-5);
  });

  it('baseline wander adds a slow sinusoid of at most the configured amplitude to each lead', () => {
    const out = augmentBatch(one(), 1, 12, only({ wander: { p: 1, amplitude: 0.1, maxFrequency: 0.5 } }), 10);
    for (let l = 0; l < 12; l++) {
      const d = lead(out, 0, l).map((v, i) => v - lead(batch, 0, l)[i]);
      expect(Math.max(...d.map(Math.abs))).toBeLessThanOrEqual(0.1 + 1e-5);
      // Slow: neighbouring samples differ by at most 2 pi f A / rate.
      for (let i = 1; i < T; i++) expect(Math.abs(d[i] - d[i - 1])).toBeLessThan((2 * Math.PI * 0.5 * 0.1) / 100 + 1e-5);
    }
  });
});

describe('normalisation', () => {
  it('z-scores each lead of a real record and inverts exactly', () => {
    const { data, stats } = normalizeBatch(raw, 4, 12, 'zscore-per-lead');
    const l = data.subarray(5 * T, 6 * T);
    const mean = l.reduce((s, v) => s + v, 0) / T;
    const sd = Math.sqrt(l.reduce((s, v) => s + (v - mean) ** 2, 0) / T);
    expect(Math.abs(mean)).toBeLessThan(1e-5);
    expect(sd).toBeCloseTo(1, 4);
    const back = denormalizeBatch(data, stats);
    for (let i = 0; i < raw.length; i += 13) expect(back[i]).toBeCloseTo(raw[i], 4);
  });
});
