// The paired patient bootstrap of a difference between two models: a hand-computed case, a
// brute-force re-computation of every replicate, and the properties pairing must have.
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/shared/random.js';
import { macroPoint, pairedDifference } from '../../src/main/experiments/paired.js';

/** AUROC by counting (positive, negative) pairs with multiplicities, ties 1/2. */
function bruteAuroc(labels: number[], scores: number[], w: number[]): number | null {
  let pairs = 0;
  let good = 0;
  for (let i = 0; i < labels.length; i++)
    for (let j = 0; j < labels.length; j++)
      if (labels[i] === 1 && labels[j] === 0) {
        const m = w[i] * w[j];
        pairs += m;
        good += m * (scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0);
      }
  return pairs > 0 ? good / pairs : null;
}

function bruteF1(labels: number[], scores: number[], t: number, w: number[]): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  labels.forEach((l, i) => {
    const called = scores[i] >= t;
    if (l && called) tp += w[i];
    else if (!l && called) fp += w[i];
    else if (l && !called) fn += w[i];
  });
  return (2 * tp) / (2 * tp + fp + fn);
}

/** numpy.percentile(values, q, method='linear'). */
function percentile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = (q / 100) * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (pos - lo) * (s[hi] - s[lo]);
}

describe('paired bootstrap of a difference', () => {
  it('hand case: AUROC 0.75 -> 1.0 and F1 0.5 -> 1 give deltas 0.25 and 0.5', () => {
    const labels = [[1, 1, 0, 0]];
    const a = { scores: [[0.9, 0.2, 0.5, 0.1]], thresholds: [0.4] }; // calls records 0, 2: TP 1, FP 1, FN 1
    const b = { scores: [[0.9, 0.8, 0.5, 0.1]], thresholds: [0.6] }; // calls records 0, 1: perfect
    expect(macroPoint(labels, a)).toEqual({ auroc: 0.75, f1: 0.5 });
    const d = pairedDifference({ labels, pairs: [{ a, b }] }, { replicates: 0, seed: 0 });
    expect(d.delta_auroc).toBeCloseTo(0.25, 12);
    expect(d.delta_f1).toBeCloseTo(0.5, 12);
    expect(d.ci_auroc).toBeNull();
  });

  it('every replicate resamples the same patients for both models (brute-force re-computation)', () => {
    // 3 classes, 14 records of 9 patients; class 2 is rare so some replicates lose it.
    const rand = mulberry32(11);
    const n = 14;
    const patients = Array.from({ length: n }, (_, i) => `p${i % 9}`);
    const labels = [0, 1, 2].map((c) => Array.from({ length: n }, (_, i) => (c === 2 ? (i === 3 || i === 12 ? 1 : 0) : rand() < 0.45 ? 1 : 0)));
    labels[0][0] = 1;
    labels[0][1] = 0;
    labels[1][0] = 0;
    labels[1][1] = 1;
    const model = () => ({ scores: labels.map((l) => l.map((y) => Math.round((0.3 * y + rand() * 0.7) * 20) / 20)), thresholds: [0.5, 0.4, 0.6] });
    const a = model();
    const b = model();
    const replicates = 300;
    const seed = 5;
    const d = pairedDifference({ labels, patients, pairs: [{ a, b }] }, { replicates, seed });

    // Independent re-computation: same generator, same patient order (first appearance).
    const order = [...new Set(patients)];
    const members = order.map((p) => patients.flatMap((q, i) => (q === p ? [i] : [])));
    const next = mulberry32(seed);
    const da: number[] = [];
    const df: number[] = [];
    for (let r = 0; r < replicates; r++) {
      const w = new Array(n).fill(0);
      for (let k = 0; k < members.length; k++) for (const i of members[Math.floor(next() * members.length)]) w[i]++;
      const present = [0, 1, 2].filter((c) => labels[c].some((y, i) => y === 1 && w[i] > 0) && labels[c].some((y, i) => y === 0 && w[i] > 0));
      if (!present.length) continue;
      const macro = (m: typeof a, f: 'auroc' | 'f1') =>
        present.reduce((s, c) => s + (f === 'auroc' ? bruteAuroc(labels[c], m.scores[c], w)! : bruteF1(labels[c], m.scores[c], m.thresholds[c], w)), 0) / present.length;
      da.push(macro(b, 'auroc') - macro(a, 'auroc'));
      df.push(macro(b, 'f1') - macro(a, 'f1'));
    }
    expect(d.ci_auroc!.replicates).toBe(da.length);
    expect(d.ci_auroc!.low).toBeCloseTo(percentile(da, 2.5), 12);
    expect(d.ci_auroc!.high).toBeCloseTo(percentile(da, 97.5), 12);
    expect(d.ci_f1!.low).toBeCloseTo(percentile(df, 2.5), 12);
    expect(d.ci_f1!.high).toBeCloseTo(percentile(df, 97.5), 12);
    const pa = macroPoint(labels, a);
    const pb = macroPoint(labels, b);
    expect(d.delta_auroc).toBeCloseTo(pb.auroc! - pa.auroc!, 12);
    expect(d.delta_f1).toBeCloseTo(pb.f1! - pa.f1!, 12);
    expect(d.resampled).toBe('patients');
  });

  it('a model against itself has delta 0 and a zero-width interval; a constant shift of every score changes nothing', () => {
    const labels = [[1, 0, 1, 0, 1, 0, 0, 1]];
    const a = { scores: [[0.8, 0.3, 0.6, 0.7, 0.4, 0.1, 0.2, 0.9]], thresholds: [0.5] };
    const same = pairedDifference({ labels, pairs: [{ a, b: a }] }, { replicates: 200, seed: 1 });
    expect(same.delta_auroc).toBe(0);
    expect(same.ci_auroc).toMatchObject({ low: 0, high: 0 });
    const shifted = { scores: [a.scores[0].map((s) => s + 0.05)], thresholds: [0.55] };
    const d = pairedDifference({ labels, pairs: [{ a, b: shifted }] }, { replicates: 200, seed: 1 });
    expect(d.ci_auroc).toMatchObject({ low: 0, high: 0 });
    expect(d.ci_f1).toMatchObject({ low: 0, high: 0 });
  });

  it('several seeds: the delta is the mean of the per-seed differences', () => {
    const labels = [[1, 1, 0, 0]];
    const m = (s: number[], t = 0.5) => ({ scores: [s], thresholds: [t] });
    const d = pairedDifference(
      {
        labels,
        pairs: [
          { a: m([0.9, 0.2, 0.5, 0.1]), b: m([0.9, 0.8, 0.5, 0.1]) }, // +0.25
          { a: m([0.9, 0.8, 0.5, 0.1]), b: m([0.9, 0.8, 0.5, 0.1]) }, // 0
        ],
      },
      { replicates: 50, seed: 2 },
    );
    expect(d.delta_auroc).toBeCloseTo(0.125, 12);
    expect(d.pairs).toBe(2);
    expect(d.ci_auroc!.low).toBeLessThanOrEqual(d.ci_auroc!.high);
  });
});
