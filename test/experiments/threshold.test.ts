import { describe, expect, it } from 'vitest';
import {
  chooseThreshold,
  confusionAt,
  DEFAULT_THRESHOLD,
  f1Score,
  sensitivity,
  specificity,
} from '../../src/main/experiments/metrics/threshold.js';

describe('metrics at a threshold', () => {
  it('calls score >= threshold positive and counts by hand', () => {
    const labels = [1, 1, 0, 1, 0, 0];
    const scores = [0.9, 0.5, 0.5, 0.2, 0.7, 0.1];
    // >= 0.5 called: records 0,1,2,4 -> TP 2 (0,1), FP 2 (2,4); not called: 3 (FN), 5 (TN).
    const c = confusionAt(labels, scores, 0.5);
    expect(c).toEqual({ tp: 2, fp: 2, fn: 1, tn: 1 });
    expect(f1Score(c)).toBeCloseTo(4 / 7, 15); // 2*2 / (4 + 2 + 1)
    expect(sensitivity(c)).toBeCloseTo(2 / 3, 15);
    expect(specificity(c)).toBeCloseTo(1 / 3, 15);
  });

  it('leaves F1/sensitivity/specificity undefined where their denominators vanish', () => {
    const none = confusionAt([0, 0], [0.1, 0.2], 0.5);
    expect(f1Score(none)).toBeNull();
    expect(sensitivity(none)).toBeNull();
    expect(specificity(none)).toBe(1);
    expect(specificity(confusionAt([1, 1], [0.1, 0.9], 0.5))).toBeNull();
  });
});

describe('chooseThreshold (max F1 on validation)', () => {
  it('picks the candidate with the highest F1 and returns the midpoint below it', () => {
    const labels = [1, 1, 0, 1, 0, 0];
    const scores = [0.9, 0.8, 0.7, 0.6, 0.3, 0.2];
    // candidate >=.9: TP1 FP0 FN2 F1 2/4; >=.8: TP2 FN1 4/5; >=.7: TP2 FP1 FN1 4/6;
    // >=.6: TP3 FP1 6/7 (best); >=.3: 6/8; >=.2: 6/9. Threshold (.6 + .3)/2 = .45.
    const choice = chooseThreshold(labels, scores);
    expect(choice.rule).toBe('validation-max-f1');
    expect(choice.threshold).toBeCloseTo(0.45, 15);
    expect(choice.validationF1).toBeCloseTo(6 / 7, 15);
    // The threshold reproduces the winning F1 on the validation records.
    expect(f1Score(confusionAt(labels, scores, choice.threshold))).toBeCloseTo(6 / 7, 15);
  });

  it('breaks F1 ties toward the lowest threshold', () => {
    const labels = [1, 0, 0, 1, 0];
    const scores = [0.9, 0.8, 0.7, 0.6, 0.1];
    // >=.9: TP1 FN1 -> 2/3; >=.8: 2/4; >=.7: 2/5; >=.6: TP2 FP2 -> 4/6 = 2/3 (tie, lower: wins); >=.1: 4/7.
    const choice = chooseThreshold(labels, scores);
    expect(choice.threshold).toBeCloseTo(0.35, 15);
    expect(choice.validationF1).toBeCloseTo(2 / 3, 15);
  });

  it('uses the lowest score itself when calling everything positive wins', () => {
    expect(chooseThreshold([1, 1, 1], [0.2, 0.4, 0.3])).toEqual({ threshold: 0.2, rule: 'validation-max-f1', validationF1: 1 });
  });

  it('keeps tied validation scores on the same side', () => {
    // .7 holds a positive and a negative: either both are called or neither.
    // >=.7: TP1 FP1 FN1 -> 2/4; >=.1: TP2 FP2 -> 4/6 (best, the last: threshold .1).
    const choice = chooseThreshold([1, 0, 1, 0], [0.7, 0.7, 0.1, 0.1]);
    expect(choice.threshold).toBe(0.1);
    expect(choice.validationF1).toBeCloseTo(2 / 3, 15);
  });

  it('falls back to 0.5 without validation records or without positives', () => {
    expect(chooseThreshold([], [])).toEqual({ threshold: DEFAULT_THRESHOLD, rule: 'default-no-validation' });
    expect(chooseThreshold([0, 0], [0.3, 0.9])).toEqual({ threshold: 0.5, rule: 'default-no-positives' });
  });
});
