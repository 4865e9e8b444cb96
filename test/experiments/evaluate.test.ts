import { describe, expect, it } from 'vitest';
import { CLASSES } from '../../src/shared/classes.js';
import { chooseThresholds, evaluate, type PresentClass } from '../../src/main/experiments/metrics/evaluate.js';

describe('evaluate', () => {
  // Three classes, six records. AF: ranking with one tie; NSR: no positives; TAb: all positive.
  const input = {
    classes: ['AF', 'NSR', 'TAb'],
    labels: [
      [1, 0, 1, 0, 0, 1],
      [0, 0, 0, 0, 0, 0],
      [1, 1, 1, 1, 1, 1],
    ],
    scores: [
      [0.9, 0.6, 0.6, 0.2, 0.1, 0.4],
      [0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
      [0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
    ],
    thresholds: [0.5, 0.5, 0.5],
  };

  it('reports AF by hand and the absent classes with their reason', () => {
    const r = evaluate(input, { replicates: 0 });
    const af = r.per_class.AF as PresentClass;
    // AF positives .9 .6 .4, negatives .6 .2 .1. Pairs: .9 beats 3; .6 ties .6 (1/2), beats 2; .4 beats 2
    // -> 3 + 2.5 + 2 = 7.5 of 9 = 5/6.
    expect(af.auroc).toBeCloseTo(5 / 6, 15);
    // Descending: .9 pos P=1 R=1/3; .6 pos+neg P=2/3 R=2/3; .4 pos P=3/4 R=1 -> (1 + 2/3 + 3/4)/3 = 29/36.
    expect(af.auprc).toBeCloseTo(29 / 36, 15);
    // >= .5 called: .9 (TP), .6 (FP), .6 (TP); .4 positive missed: TP2 FP1 FN1 TN2.
    expect(af.f1).toBeCloseTo(4 / 6, 15);
    expect(af.sensitivity).toBeCloseTo(2 / 3, 15);
    expect(af.specificity).toBeCloseTo(2 / 3, 15);
    expect(af).toMatchObject({ present: true, positives: 3, negatives: 3, threshold: 0.5 });

    expect(r.per_class.NSR).toEqual({ present: false, reason: 'no positives in the test set', threshold: 0.5, positives: 0, negatives: 6 });
    expect(r.per_class.TAb).toEqual({ present: false, reason: 'no negatives in the test set', threshold: 0.5, positives: 6, negatives: 0 });
    expect(r.classes_absent).toEqual(['NSR', 'TAb']);
    expect(r.classes_averaged).toBe(1);
    expect(r.macro_auroc).toBe(af.auroc);
    expect(r.macro_f1).toBe(af.f1);
    // AF, NSR, TAb are all scored by the challenge, NSR being the normal class.
    expect(r.challenge_metric).not.toBeNull();
  });

  it('averages the macro values over the present classes only', () => {
    const two = {
      classes: ['AF', 'IAVB', 'NSR'],
      labels: [
        [1, 0, 1, 0],
        [0, 1, 0, 0],
        [0, 0, 0, 0],
      ],
      scores: [
        [0.9, 0.1, 0.8, 0.2], // perfect: AUROC 1, AP 1, F1 1
        [0.9, 0.1, 0.8, 0.2], // inverted for the single positive: AUROC 0, AP 1/4, F1 0 (called: .9,.8 FP)
        [0.5, 0.5, 0.5, 0.5],
      ],
      thresholds: [0.5, 0.5, 0.5],
    };
    const r = evaluate(two, { replicates: 0 });
    expect(r.classes_averaged).toBe(2);
    expect(r.macro_auroc).toBeCloseTo(0.5, 15);
    expect(r.macro_auprc).toBeCloseTo((1 + 0.25) / 2, 15);
    expect(r.macro_f1).toBeCloseTo(0.5, 15);
    expect(r.macro_sensitivity).toBeCloseTo(0.5, 15);
    // specificity AF 2/2, IAVB 1/3 (negatives .9 .8 .2, only .2 not called)
    expect(r.macro_specificity).toBeCloseTo((1 + 1 / 3) / 2, 15);
  });

  it('gives null macro values and no challenge metric when nothing can be scored', () => {
    const r = evaluate({ classes: ['AF', 'XX'], labels: [[0, 0], [0, 0]], scores: [[0.1, 0.2], [0.3, 0.4]], thresholds: [0.5, 0.5] }, { replicates: 10 });
    expect(r.classes_averaged).toBe(0);
    expect(r.macro_auroc).toBeNull();
    expect(r.challenge_metric).toBeNull();
    expect(r.challenge_metric_note).toMatch(/not scored/);
    expect(r.ci!.macro_auroc).toBeNull();
  });

  it('computes the challenge metric over all 24 classes: 1 for outputs equal to the labels', () => {
    const n = 30;
    const labels = CLASSES.map((_, c) => Array.from({ length: n }, (_, i) => ((i * 7 + c * 3) % 5 === 0 ? 1 : 0)));
    const scores = labels.map((l) => l.map((v) => (v ? 0.8 : 0.2)));
    const r = evaluate({ classes: CLASSES.map((c) => c.abbreviation), labels, scores, thresholds: CLASSES.map(() => 0.5) }, { replicates: 0 });
    expect(r.challenge_metric).toBe(1);
    expect(r.macro_auroc).toBe(1);
  });

  it('rejects inconsistent shapes and non-finite scores', () => {
    expect(() => evaluate({ ...input, thresholds: [0.5] })).toThrow(/3 classes/);
    expect(() => evaluate({ ...input, scores: [[NaN, 0, 0, 0, 0, 0], input.scores[1], input.scores[2]] })).toThrow(/non-finite/);
  });

  it('chooses thresholds per class from validation data', () => {
    const t = chooseThresholds(
      [
        [1, 0, 1],
        [0, 0, 0],
      ],
      [
        [0.9, 0.5, 0.7],
        [0.1, 0.2, 0.3],
      ],
    );
    // AF: >=.9 F1 2/3, >=.7 F1 1 (best), threshold (.7 + .5)/2 = .6. IAVB: no positives -> .5.
    expect(t[0].threshold).toBeCloseTo(0.6, 15);
    expect(t[1]).toEqual({ threshold: 0.5, rule: 'default-no-positives' });
  });
});
