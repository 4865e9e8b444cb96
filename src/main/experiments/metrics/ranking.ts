// Threshold-free metrics of one class: AUROC and average precision (AUPRC).
// Records are sorted once into tie groups (records sharing a score); a metric is then a walk over the
// groups' weighted positive/negative counts. Weights are per-record multiplicities, so a bootstrap
// replicate is one counting pass (a record drawn twice counts twice) without re-sorting or copying.

/** Labels are 0/1 per record; scores any finite numbers, higher meaning "more likely positive". */
export type Labels = ArrayLike<number>;
export type Scores = ArrayLike<number>;
/** Multiplicity of each record (bootstrap counts); omitted = every record once. */
export type Multiplicities = ArrayLike<number>;

/** One class's records sorted by score into tie groups, ascending. */
export interface RankedClass {
  /** Record indices by ascending score. */
  readonly order: Uint32Array;
  /** Label of order[k]. */
  readonly sortedLabels: Uint8Array;
  /** Group g holds order[start[g]] .. order[start[g + 1] - 1]; start has groups + 1 entries. */
  readonly start: Uint32Array;
  /** The score shared by the records of group g (ascending). */
  readonly groupScore: Float64Array;
}

export function rankClass(labels: Labels, scores: Scores): RankedClass {
  const n = scores.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => scores[a] - scores[b]);
  const sortedLabels = new Uint8Array(n);
  const starts: number[] = [];
  const values: number[] = [];
  for (let k = 0; k < n; k++) {
    sortedLabels[k] = labels[order[k]] ? 1 : 0;
    const s = scores[order[k]];
    if (k === 0 || s !== values[values.length - 1]) {
      starts.push(k);
      values.push(s);
    }
  }
  starts.push(n);
  return { order, sortedLabels, start: Uint32Array.from(starts), groupScore: Float64Array.from(values) };
}

/** Weighted positives and negatives per tie group. */
export interface GroupCounts {
  readonly positive: Float64Array;
  readonly negative: Float64Array;
}

/** Counts every group's positives and negatives (by multiplicity); `into` reuses arrays across replicates. */
export function groupCounts(ranked: RankedClass, weights?: Multiplicities, into?: GroupCounts): GroupCounts {
  const groups = ranked.groupScore.length;
  const positive = into?.positive ?? new Float64Array(groups);
  const negative = into?.negative ?? new Float64Array(groups);
  const { order, sortedLabels, start } = ranked;
  for (let g = 0; g < groups; g++) {
    let p = 0;
    let q = 0;
    for (let k = start[g]; k < start[g + 1]; k++) {
      const w = weights ? weights[order[k]] : 1;
      if (sortedLabels[k]) p += w;
      else q += w;
    }
    positive[g] = p;
    negative[g] = q;
  }
  return { positive, negative };
}

export function totals(g: GroupCounts): { positives: number; negatives: number } {
  let positives = 0;
  let negatives = 0;
  for (let k = 0; k < g.positive.length; k++) {
    positives += g.positive[k];
    negatives += g.negative[k];
  }
  return { positives, negatives };
}

/**
 * AUROC as the Mann-Whitney statistic: the share of (positive, negative) pairs ranked correctly,
 * a tied pair counting 1/2. This equals the mid-rank formula and the trapezoidal ROC area where
 * tied scores form one diagonal step. Null without positives or without negatives.
 */
export function aurocOfGroups(g: GroupCounts): number | null {
  let negativesBelow = 0;
  let positives = 0;
  let correctPairs = 0;
  for (let k = 0; k < g.positive.length; k++) {
    correctPairs += g.positive[k] * (negativesBelow + 0.5 * g.negative[k]);
    negativesBelow += g.negative[k];
    positives += g.positive[k];
  }
  if (positives === 0 || negativesBelow === 0) return null;
  return correctPairs / (positives * negativesBelow);
}

/**
 * Average precision as scikit-learn's average_precision_score and the challenge's compute_auc compute it:
 * AP = sum over distinct thresholds t_n (descending) of (R_n - R_{n-1}) * P_n, a step function with no
 * interpolation (not the trapezoidal area under the PR curve, which is optimistic). Tied scores enter
 * together as one threshold. Null without positives; 1 when every record is positive.
 */
export function averagePrecisionOfGroups(g: GroupCounts): number | null {
  let tp = 0;
  let fp = 0;
  let sum = 0;
  for (let k = g.positive.length - 1; k >= 0; k--) {
    tp += g.positive[k];
    fp += g.negative[k];
    // Summed as recall-step counts times precision and divided once at the end: a perfect ranking gives exactly 1.
    if (g.positive[k] > 0) sum += g.positive[k] * (tp / (tp + fp));
  }
  return tp > 0 ? sum / tp : null;
}

export function auroc(labels: Labels, scores: Scores, weights?: Multiplicities, ranked = rankClass(labels, scores)): number | null {
  return aurocOfGroups(groupCounts(ranked, weights));
}

export function averagePrecision(labels: Labels, scores: Scores, weights?: Multiplicities, ranked = rankClass(labels, scores)): number | null {
  return averagePrecisionOfGroups(groupCounts(ranked, weights));
}

/** Weighted positive and negative totals of a class. */
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
