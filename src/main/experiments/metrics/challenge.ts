// The PhysioNet/CinC 2020/2021 challenge metric, transcribed from compute_challenge_metric and
// compute_modified_confusion_matrix of the official evaluation code (evaluate_12ECG_score.py 2020,
// evaluate_model.py 2021 - the two are identical). The score is split into per-record contributions
// so a bootstrap replicate is a weighted sum instead of a recomputation.
import type { Labels, Multiplicities } from './ranking.js';

export interface ChallengeContributions {
  /** Per record: sum of W[j][k] over true j, predicted k, divided by max(1, |true OR predicted|). */
  readonly observed: Float64Array;
  /** The same for a classifier that outputs exactly the true labels. */
  readonly correct: Float64Array;
  /** The same for a classifier that outputs only the normal class. */
  readonly inactive: Float64Array;
}

/**
 * labels and outputs are [class][record] 0/1, in the order of the weights matrix; normalIndex the
 * normal class (sinus rhythm) in that order. Records are taken as given: the 2020 loader's rewriting
 * of the normal label (dropped when another class is present, added when none is) is not applied,
 * as in the 2021 code.
 */
export function challengeContributions(
  labels: readonly Labels[],
  outputs: readonly Labels[],
  weights: readonly (readonly number[])[],
  normalIndex: number,
): ChallengeContributions {
  const classes = labels.length;
  if (outputs.length !== classes || weights.length !== classes) throw new Error('challenge metric: labels, outputs and weights disagree on the classes');
  if (normalIndex < 0 || normalIndex >= classes) throw new Error('challenge metric: the normal class is not among the classes');
  const records = classes > 0 ? labels[0].length : 0;
  const observed = new Float64Array(records);
  const correct = new Float64Array(records);
  const inactive = new Float64Array(records);
  const truth: number[] = [];
  const called: number[] = [];
  for (let i = 0; i < records; i++) {
    truth.length = 0;
    called.length = 0;
    let union = 0;
    for (let j = 0; j < classes; j++) {
      const t = labels[j][i] ? 1 : 0;
      const o = outputs[j][i] ? 1 : 0;
      if (t) truth.push(j);
      if (o) called.push(j);
      if (t || o) union++;
    }
    let sumObserved = 0;
    let sumCorrect = 0;
    let sumInactive = 0;
    for (const j of truth) {
      for (const k of called) sumObserved += weights[j][k];
      for (const k of truth) sumCorrect += weights[j][k];
      sumInactive += weights[j][normalIndex];
    }
    observed[i] = sumObserved / Math.max(union, 1);
    correct[i] = sumCorrect / Math.max(truth.length, 1);
    const inactiveUnion = truth.length + (labels[normalIndex][i] ? 0 : 1);
    inactive[i] = sumInactive / Math.max(inactiveUnion, 1);
  }
  return { observed, correct, inactive };
}

/**
 * (observed - inactive) / (correct - inactive) over the records (each counted by its multiplicity);
 * null where the official code returns NaN (correct score equal to the inactive score).
 */
export function challengeScore(c: ChallengeContributions, weights?: Multiplicities): number | null {
  let observed = 0;
  let correct = 0;
  let inactive = 0;
  for (let i = 0; i < c.observed.length; i++) {
    const w = weights ? weights[i] : 1;
    if (w === 0) continue;
    observed += w * c.observed[i];
    correct += w * c.correct[i];
    inactive += w * c.inactive[i];
  }
  return correct !== inactive ? (observed - inactive) / (correct - inactive) : null;
}

export function challengeMetric(
  labels: readonly Labels[],
  outputs: readonly Labels[],
  weights: readonly (readonly number[])[],
  normalIndex: number,
): number | null {
  return challengeScore(challengeContributions(labels, outputs, weights, normalIndex));
}
