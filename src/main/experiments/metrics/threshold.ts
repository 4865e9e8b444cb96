// Metrics at a decision threshold (F1, sensitivity, specificity) and the per-class threshold rule.
// A record is called positive when its score >= threshold.
import { groupCounts, rankClass, type GroupCounts, type Labels, type Multiplicities, type RankedClass, type Scores } from './ranking.js';

/** Used where the rule has nothing to learn from: no validation data, or no positives in it. */
export const DEFAULT_THRESHOLD = 0.5;

export interface Confusion {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly tn: number;
}

export function confusionAt(labels: Labels, scores: Scores, threshold: number, weights?: Multiplicities): Confusion {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (let i = 0; i < labels.length; i++) {
    const w = weights ? weights[i] : 1;
    const called = scores[i] >= threshold;
    if (labels[i]) {
      if (called) tp += w;
      else fn += w;
    } else if (called) fp += w;
    else tn += w;
  }
  return { tp, fp, fn, tn };
}

/** confusionAt from tie-group counts (rankClass + groupCounts): the bootstrap's one-pass path. */
export function confusionOfGroups(ranked: RankedClass, g: GroupCounts, threshold: number): Confusion {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (let k = 0; k < ranked.groupScore.length; k++) {
    if (ranked.groupScore[k] >= threshold) {
      tp += g.positive[k];
      fp += g.negative[k];
    } else {
      fn += g.positive[k];
      tn += g.negative[k];
    }
  }
  return { tp, fp, fn, tn };
}

/** 2TP / (2TP + FP + FN); null when the class has no positives and none were called. */
export function f1Score(c: Confusion): number | null {
  const d = 2 * c.tp + c.fp + c.fn;
  return d > 0 ? (2 * c.tp) / d : null;
}

/** TP / (TP + FN); null without positives. */
export function sensitivity(c: Confusion): number | null {
  return c.tp + c.fn > 0 ? c.tp / (c.tp + c.fn) : null;
}

/** TN / (TN + FP); null without negatives. */
export function specificity(c: Confusion): number | null {
  return c.tn + c.fp > 0 ? c.tn / (c.tn + c.fp) : null;
}

export type ThresholdRule = 'validation-max-f1' | 'default-no-validation' | 'default-no-positives';

export interface ThresholdChoice {
  readonly threshold: number;
  readonly rule: ThresholdRule;
  /** F1 reached on the validation records at the chosen threshold (validation-max-f1 only). */
  readonly validationF1?: number;
}

/**
 * The per-class threshold learned on validation data:
 * - candidates are the distinct validation scores s_1 > s_2 > ... > s_m, candidate k calling the
 *   records with score >= s_k positive; the one with the highest F1 wins;
 * - ties in F1 go to the lowest candidate (more records called positive: higher sensitivity at equal F1);
 * - the threshold returned is the midpoint between the winner s_k and the next lower score s_{k+1}
 *   (s_k itself when k = m), so it classifies the validation records exactly as candidate k does but
 *   does not sit on a validation score;
 * - 0.5 (DEFAULT_THRESHOLD) when there are no validation records or none is positive for the class.
 */
export function chooseThreshold(labels: Labels, scores: Scores): ThresholdChoice {
  if (labels.length === 0) return { threshold: DEFAULT_THRESHOLD, rule: 'default-no-validation' };
  let positives = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]) positives++;
  if (positives === 0) return { threshold: DEFAULT_THRESHOLD, rule: 'default-no-positives' };

  const ranked = rankClass(labels, scores);
  const groups = groupCounts(ranked);
  let tp = 0;
  let fp = 0;
  let bestF1 = -1;
  let bestScore = 0;
  let bestNext: number | undefined;
  for (let k = ranked.groupScore.length - 1; k >= 0; k--) {
    tp += groups.positive[k];
    fp += groups.negative[k];
    const f1 = (2 * tp) / (2 * tp + fp + (positives - tp));
    // >= so that an equal F1 further down (a lower threshold) replaces the earlier one.
    if (f1 >= bestF1) {
      bestF1 = f1;
      bestScore = ranked.groupScore[k];
      bestNext = k > 0 ? ranked.groupScore[k - 1] : undefined;
    }
  }
  let threshold = bestNext === undefined ? bestScore : (bestScore + bestNext) / 2;
  // Adjacent doubles: the midpoint can round onto the lower score, which would then be called positive.
  if (bestNext !== undefined && threshold <= bestNext) threshold = bestScore;
  return { threshold, rule: 'validation-max-f1', validationF1: bestF1 };
}
