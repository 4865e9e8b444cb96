// Precision-recall curve points of one class from scores and 0/1 labels. Thresholds sweep from the
// highest score down with ties moved together (as rocCurve); the area is the step-wise average
// precision, sum over thresholds of (recall gained) x (precision there): the metrics' AUPRC.
import { sweepScores } from './roc.js';

export interface PrCurve {
  /** (recall, precision) vertices, from (0, precision at the top score) to (1, prevalence). */
  readonly points: readonly (readonly [number, number])[];
  readonly positives: number;
  readonly negatives: number;
  /** Average precision (step-wise area). */
  readonly ap: number;
}

/** null when the class has no positives or no negatives among the records. */
export function prCurve(labels: ArrayLike<number>, scores: ArrayLike<number>): PrCurve | null {
  const sweep = sweepScores(labels, scores);
  if (!sweep) return null;
  const { positives, negatives } = sweep;
  const pts: [number, number][] = [];
  let before = 0;
  let sum = 0;
  for (const [tp, fp] of sweep.steps) {
    const precision = tp / (tp + fp);
    sum += (tp - before) * precision;
    before = tp;
    // A vertical step at the recall reached, then the precision of this threshold.
    if (!pts.length) pts.push([0, precision]);
    pts.push([tp / positives, precision]);
  }
  // Divided once at the end, as the metrics do: a perfect ranking gives exactly 1.
  return { points: pts, positives, negatives, ap: sum / positives };
}
