import { describe, expect, it } from 'vitest';
import { auroc, averagePrecision, classCounts, groupCounts, rankClass } from '../../src/main/experiments/metrics/ranking.js';
import { confusionAt, confusionOfGroups } from '../../src/main/experiments/metrics/threshold.js';
import { SeededRandom } from '../../src/main/experiments/metrics/bootstrap.js';

describe('AUROC (Mann-Whitney with mid-ranks)', () => {
  it('is 1 for a perfect ranking and 0 for an inverted one', () => {
    expect(auroc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])).toBe(1);
    expect(auroc([0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1])).toBe(0);
  });

  it('is 0.5 when every score is equal', () => {
    expect(auroc([0, 1, 0, 1, 1], [0.3, 0.3, 0.3, 0.3, 0.3])).toBe(0.5);
  });

  it('counts tied positive/negative pairs as 1/2', () => {
    // positives score 0.9, 0.5, 0.1; negatives 0.9, 0.5. Pairs (pos, neg):
    // (.9,.9)=.5 (.9,.5)=1 (.5,.9)=0 (.5,.5)=.5 (.1,.9)=0 (.1,.5)=0 -> 2 of 6 pairs = 1/3.
    // Mid-ranks: .1 -> 1, .5 -> 2.5, .9 -> 4.5; positive rank sum 8, U = 8 - 3*4/2 = 2, 2/(3*2) = 1/3.
    expect(auroc([1, 0, 1, 0, 1], [0.9, 0.9, 0.5, 0.5, 0.1])).toBeCloseTo(1 / 3, 15);
  });

  it('is null without positives or without negatives', () => {
    expect(auroc([0, 0, 0], [0.1, 0.5, 0.9])).toBeNull();
    expect(auroc([1, 1], [0.1, 0.5])).toBeNull();
  });

  it('matches a brute-force pair count on random tied scores', () => {
    const rng = new SeededRandom(7);
    const n = 300;
    const labels = Array.from({ length: n }, () => (rng.next() < 0.3 ? 1 : 0));
    const scores = labels.map((l) => Math.round((rng.next() + 0.4 * l) * 10) / 10); // heavy ties
    let pairs = 0;
    let credit = 0;
    for (let i = 0; i < n; i++) {
      if (!labels[i]) continue;
      for (let j = 0; j < n; j++) {
        if (labels[j]) continue;
        pairs++;
        credit += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
      }
    }
    expect(auroc(labels, scores)).toBeCloseTo(credit / pairs, 12);
  });
});

describe('average precision (sklearn definition)', () => {
  it('reproduces the scikit-learn documentation example (0.8333)', () => {
    // Descending: .8 pos -> P=1, R=.5; .4 neg; .35 pos -> P=2/3, R=1. AP = .5*1 + .5*2/3 = 5/6.
    expect(averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(5 / 6, 15);
  });

  it('enters tied scores as one threshold', () => {
    // .5: one pos + one neg together -> P=1/2, R=1/2; .2 pos -> P=2/3, R=1. AP = .5*.5 + .5*2/3 = 7/12.
    expect(averagePrecision([1, 0, 1], [0.5, 0.5, 0.2])).toBeCloseTo(7 / 12, 15);
    // All scores equal: one threshold with precision = prevalence 2/5, recall jump 1.
    expect(averagePrecision([1, 0, 0, 1, 0], [0.3, 0.3, 0.3, 0.3, 0.3])).toBeCloseTo(0.4, 15);
  });

  it('is not the trapezoidal PR area', () => {
    // Ranking pos, neg, pos: AP = .5*1 + .5*2/3 = 5/6. The PR points (R, P) are (0,1) (.5,1) (.5,.5) (1,2/3);
    // the trapezoidal area through them (sklearn's auc(recall, precision)) is .5*1 + .5*(.5+2/3)/2 = 19/24.
    const ap = averagePrecision([1, 0, 1], [0.9, 0.8, 0.7])!;
    expect(ap).toBeCloseTo(5 / 6, 15);
    expect(Math.abs(ap - 19 / 24)).toBeGreaterThan(0.04);
  });

  it('is 1 for a perfect ranking, null without positives', () => {
    expect(averagePrecision([0, 1, 0, 1], [0.1, 0.9, 0.2, 0.8])).toBe(1);
    expect(averagePrecision([0, 0], [0.1, 0.9])).toBeNull();
  });
});

describe('multiplicities', () => {
  it('weighting a record by k equals repeating it k times', () => {
    const rng = new SeededRandom(11);
    const n = 200;
    const labels = Array.from({ length: n }, () => (rng.next() < 0.25 ? 1 : 0));
    const scores = labels.map((l) => Math.round((rng.next() + 0.5 * l) * 20) / 20);
    const weights = labels.map(() => rng.below(4)); // 0..3, zeros drop records
    const expandedLabels: number[] = [];
    const expandedScores: number[] = [];
    labels.forEach((l, i) => {
      for (let k = 0; k < weights[i]; k++) {
        expandedLabels.push(l);
        expandedScores.push(scores[i]);
      }
    });
    expect(auroc(labels, scores, weights)).toBeCloseTo(auroc(expandedLabels, expandedScores)!, 12);
    expect(averagePrecision(labels, scores, weights)).toBeCloseTo(averagePrecision(expandedLabels, expandedScores)!, 12);
    expect(confusionAt(labels, scores, 0.6, weights)).toEqual(confusionAt(expandedLabels, expandedScores, 0.6));
    expect(classCounts(labels, weights)).toEqual(classCounts(expandedLabels));
    // The bootstrap's one-pass path: tie-group counts, threshold .6 falling on a group score (>= calls it).
    const ranked = rankClass(labels, scores);
    expect(confusionOfGroups(ranked, groupCounts(ranked, weights), 0.6)).toEqual(confusionAt(expandedLabels, expandedScores, 0.6));
  });
});
