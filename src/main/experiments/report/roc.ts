// ROC curve points of one class from scores and 0/1 labels. Thresholds sweep from the highest
// score down; records sharing a score move together, so a tie of positives and negatives is one
// diagonal step (the curve whose trapezoid area is the tie-aware AUROC of the metrics module).

export interface RocCurve {
  /** (false positive rate, true positive rate) vertices from (0, 0) to (1, 1). */
  readonly points: readonly (readonly [number, number])[];
  readonly positives: number;
  readonly negatives: number;
  /** Trapezoid area under the points. */
  readonly auc: number;
}

/** Cumulative (true, false) positive counts after each distinct score, highest first (ties move together). */
export interface ScoreSweep {
  readonly positives: number;
  readonly negatives: number;
  readonly steps: readonly (readonly [tp: number, fp: number])[];
}

/** null when the class has no positives or no negatives among the records (no curve exists). */
export function sweepScores(labels: ArrayLike<number>, scores: ArrayLike<number>): ScoreSweep | null {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let positives = 0;
  for (let i = 0; i < n; i++) if (labels[i]) positives++;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return null;
  const steps: [number, number][] = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < n; ) {
    const s = scores[order[k]];
    for (; k < n && scores[order[k]] === s; k++) {
      if (labels[order[k]]) tp++;
      else fp++;
    }
    steps.push([tp, fp]);
  }
  return { positives, negatives, steps };
}

/** null when the class has no positives or no negatives among the records (no curve exists). */
export function rocCurve(labels: ArrayLike<number>, scores: ArrayLike<number>): RocCurve | null {
  const sweep = sweepScores(labels, scores);
  if (!sweep) return null;
  const { positives, negatives } = sweep;
  const pts: [number, number][] = [[0, 0], ...sweep.steps.map(([tp, fp]): [number, number] => [fp / negatives, tp / positives])];
  // Drop vertices in the middle of a vertical or horizontal run: the same line, fewer points.
  const kept = pts.filter((p, i) => {
    if (i === 0 || i === pts.length - 1) return true;
    const a = pts[i - 1];
    const b = pts[i + 1];
    return !((a[0] === p[0] && p[0] === b[0]) || (a[1] === p[1] && p[1] === b[1]));
  });
  let auc = 0;
  for (let i = 1; i < kept.length; i++) auc += ((kept[i][0] - kept[i - 1][0]) * (kept[i][1] + kept[i - 1][1])) / 2;
  return { points: kept, positives, negatives, auc };
}
