// Threshold-free metrics of one class: AUROC and average precision (AUPRC).
// Every function takes optional per-record multiplicities so a bootstrap replicate is scored
// in place (a record drawn twice counts twice) without copying arrays.

/** Labels are 0/1 per record; scores any finite numbers, higher meaning "more likely positive". */
export type Labels = ArrayLike<number>;
export type Scores = ArrayLike<number>;
/** Multiplicity of each record (bootstrap counts); omitted = every record once. */
export type Multiplicities = ArrayLike<number>;

/** Record indices sorted by score, ascending. Reusable across replicates of the same records. */
export function scoreOrder(scores: Scores): Uint32Array {
  const order = new Uint32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => scores[a] - scores[b]);
  return order;
}

/** Weighted positive and negative totals. */
export function classCounts(labels: Labels, weights?: Multiplicities): { positives: number; negatives: number } {
  let positives = 0;
  let negatives = 0;
  for (let i = 0; i < labels.length; i++) {
    const w = weights ? weights[i] : 1;
    if (labels[i]) positives += w;
    else negatives += w;
  }
  return { positives, negatives };
}

/**
 * AUROC as the Mann-Whitney statistic: the share of (positive, negative) pairs ranked correctly,
 * a tied pair counting 1/2. This equals the mid-rank formula and the trapezoidal ROC area where
 * tied scores form one diagonal step. Null when the class has no positives or no negatives.
 */
export function auroc(labels: Labels, scores: Scores, weights?: Multiplicities, order = scoreOrder(scores)): number | null {
  let negativesBelow = 0;
  let correctPairs = 0;
  let positives = 0;
  let k = 0;
  while (k < order.length) {
    // One tie group: every record with the same score.
    const value = scores[order[k]];
    let groupPos = 0;
    let groupNeg = 0;
    while (k < order.length && scores[order[k]] === value) {
      const i = order[k++];
      const w = weights ? weights[i] : 1;
      if (labels[i]) groupPos += w;
      else groupNeg += w;
    }
    correctPairs += groupPos * (negativesBelow + 0.5 * groupNeg);
    negativesBelow += groupNeg;
    positives += groupPos;
  }
  if (positives === 0 || negativesBelow === 0) return null;
  return correctPairs / (positives * negativesBelow);
}

/**
 * Average precision as scikit-learn's average_precision_score and the challenge's compute_auc compute it:
 * AP = sum over distinct thresholds t_n (descending) of (R_n - R_{n-1}) * P_n, a step function with no
 * interpolation (not the trapezoidal area under the PR curve, which is optimistic). Tied scores enter
 * together as one threshold. Null when the class has no positives; with no negatives it is 1.
 */
export function averagePrecision(labels: Labels, scores: Scores, weights?: Multiplicities, order = scoreOrder(scores)): number | null {
  const { positives } = classCounts(labels, weights);
  if (positives === 0) return null;
  let tp = 0;
  let fp = 0;
  let ap = 0;
  let k = order.length - 1;
  while (k >= 0) {
    const value = scores[order[k]];
    let groupPos = 0;
    let groupNeg = 0;
    while (k >= 0 && scores[order[k]] === value) {
      const i = order[k--];
      const w = weights ? weights[i] : 1;
      if (labels[i]) groupPos += w;
      else groupNeg += w;
    }
    tp += groupPos;
    fp += groupNeg;
    // Summed as recall-step counts times precision, divided once at the end: a perfect ranking gives exactly 1.
    if (groupPos > 0) ap += groupPos * (tp / (tp + fp));
  }
  return ap / positives;
}
