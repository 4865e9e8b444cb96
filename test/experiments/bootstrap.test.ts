import { describe, expect, it } from 'vitest';
import {
  drawReplicate,
  patientGroups,
  percentileInterval,
  quantile,
  SeededRandom,
} from '../../src/main/experiments/metrics/bootstrap.js';
import { evaluate, type EvaluationInput, type PresentClass } from '../../src/main/experiments/metrics/evaluate.js';

/** Two classes with informative, tied scores; records of one patient share labels and similar scores. */
function synthetic(records: number, seed: number, patientsPerRecord = 1): EvaluationInput {
  const rng = new SeededRandom(seed);
  const labels = [new Uint8Array(records), new Uint8Array(records)];
  const scores = [new Float64Array(records), new Float64Array(records)];
  const patients: string[] = [];
  for (let i = 0; i < records; i++) {
    const p = Math.floor(i / patientsPerRecord);
    patients.push(`p${p}`);
    for (let c = 0; c < 2; c++) {
      labels[c][i] = i % patientsPerRecord === 0 ? (rng.next() < 0.3 ? 1 : 0) : labels[c][i - 1];
      scores[c][i] = Math.round((rng.next() * 0.7 + 0.35 * labels[c][i]) * 100) / 100;
    }
  }
  return { classes: ['AF', 'NSR'], labels, scores, thresholds: [0.5, 0.5], patients };
}

describe('bootstrap building blocks', () => {
  it('the generator is deterministic per seed', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it('groups records by patient, or one group per record without ids', () => {
    expect(patientGroups(3).map((g) => Array.from(g))).toEqual([[0], [1], [2]]);
    expect(patientGroups(5, ['a', 'b', 'a', 'c', 'b']).map((g) => Array.from(g))).toEqual([[0, 2], [1, 4], [3]]);
  });

  it('moves all records of a drawn patient together', () => {
    const groups = patientGroups(7, ['a', 'a', 'b', 'c', 'c', 'c', 'd']);
    const counts = new Float64Array(7);
    const rng = new SeededRandom(5);
    for (let r = 0; r < 50; r++) {
      drawReplicate(groups, rng, counts);
      let draws = 0;
      for (const g of groups) {
        for (const i of g) expect(counts[i]).toBe(counts[g[0]]);
        draws += counts[g[0]];
      }
      expect(draws).toBe(groups.length); // as many patients drawn as there are
    }
  });

  it('percentiles interpolate like numpy.percentile', () => {
    // numpy.percentile([1,2,3,4], 2.5) = 1 + .025*3 = 1.075; 97.5 -> 1 + .975*3 = 3.925.
    const ci = percentileInterval([4, 1, 3, 2])!;
    expect(ci.low).toBeCloseTo(1.075, 14);
    expect(ci.high).toBeCloseTo(3.925, 14);
    expect(ci.replicates).toBe(4);
    expect(quantile([1, 2, 3, 4, 5], 0.25)).toBe(2);
    expect(percentileInterval([])).toBeNull();
  });
});

describe('bootstrap confidence intervals', () => {
  it('are identical for the same seed and differ for another', () => {
    const input = synthetic(200, 1);
    const a = evaluate(input, { replicates: 200, seed: 9 });
    const b = evaluate(input, { replicates: 200, seed: 9 });
    const c = evaluate(input, { replicates: 200, seed: 10 });
    expect(a.ci).toEqual(b.ci);
    expect(a.per_class).toEqual(b.per_class);
    expect(c.ci!.macro_auroc).not.toEqual(a.ci!.macro_auroc);
  });

  it('contain the point estimates', () => {
    const r = evaluate(synthetic(400, 2), { replicates: 500, seed: 1 });
    for (const key of ['macro_auroc', 'macro_auprc', 'macro_f1', 'challenge_metric'] as const) {
      const ci = r.ci![key]!;
      expect(ci.replicates).toBe(500);
      expect(ci.low).toBeLessThan(r[key]!);
      expect(ci.high).toBeGreaterThan(r[key]!);
      expect(ci.high - ci.low).toBeLessThan(0.3);
    }
    for (const name of ['AF', 'NSR']) {
      const c = r.per_class[name] as PresentClass;
      for (const key of ['auroc', 'auprc', 'f1'] as const) {
        expect(c.ci![key]!.low).toBeLessThanOrEqual(c[key]);
        expect(c.ci![key]!.high).toBeGreaterThanOrEqual(c[key]);
      }
    }
  });

  it('resample patients: two identical records per patient give the intervals of one record per patient', () => {
    // Every weight doubles, which leaves AUROC, AP, F1 and the challenge metric unchanged, and the
    // generator draws the same patient sequence - only true if a patient's records move together.
    const single = synthetic(150, 3);
    const doubled: EvaluationInput = {
      ...single,
      labels: single.labels.map((l) => Uint8Array.from(Array.from(l).flatMap((v) => [v, v]))),
      scores: single.scores.map((s) => Float64Array.from(Array.from(s).flatMap((v) => [v, v]))),
      patients: single.patients!.flatMap((p) => [p, p]),
    };
    const a = evaluate(single, { replicates: 100, seed: 4 });
    const b = evaluate(doubled, { replicates: 100, seed: 4 });
    expect(b.patients).toBe(150);
    expect(b.records).toBe(300);
    for (const key of ['macro_auroc', 'macro_auprc', 'macro_f1', 'challenge_metric'] as const) {
      expect(b.ci![key]!.low).toBeCloseTo(a.ci![key]!.low, 12);
      expect(b.ci![key]!.high).toBeCloseTo(a.ci![key]!.high, 12);
    }
    // Resampling the doubled records one by one instead gives narrower (wrong) intervals.
    const byRecord = evaluate({ ...doubled, patients: undefined }, { replicates: 100, seed: 4 });
    expect(byRecord.ci!.resampled).toBe('records');
    const width = (x: typeof a) => x.ci!.macro_auroc!.high - x.ci!.macro_auroc!.low;
    expect(width(byRecord)).toBeLessThan(width(a));
  });

  it('are left out with 0 replicates', () => {
    const r = evaluate(synthetic(50, 4), { replicates: 0 });
    expect(r.ci).toBeNull();
    expect((r.per_class.AF as PresentClass).ci).toBeUndefined();
  });
});
