// ROC and precision-recall curves of one class from scores and 0/1 labels, for the results view's
// plots. Ties share one point (records with equal scores move together), so the area under the ROC
// polyline equals the rank AUROC with ties counted half, the metrics module's definition.

export interface RocPr {
  readonly positives: number;
  readonly negatives: number;
  readonly fpr: number[];
  readonly tpr: number[];
  readonly recall: number[];
  readonly precision: number[];
  readonly auroc: number | null;
  /** Average precision: sum over thresholds of (recall step) x precision. */
  readonly auprc: number | null;
}

export function rocPr(scores: ArrayLike<number>, labels: ArrayLike<number>): RocPr {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let P = 0;
  for (let i = 0; i < n; i++) P += labels[i] ? 1 : 0;
  const N = n - P;
  const fpr = [0];
  const tpr = [0];
  const recall: number[] = [];
  const precision: number[] = [];
  let tp = 0;
  let fp = 0;
  let auc = 0;
  let ap = 0;
  for (let i = 0; i < n; ) {
    const s = scores[order[i]];
    let dtp = 0;
    let dfp = 0;
    while (i < n && scores[order[i]] === s) {
      if (labels[order[i]]) dtp++;
      else dfp++;
      i++;
    }
    const x0 = N ? fp / N : 0;
    const y0 = P ? tp / P : 0;
    tp += dtp;
    fp += dfp;
    const x1 = N ? fp / N : 0;
    const y1 = P ? tp / P : 0;
    auc += ((x1 - x0) * (y0 + y1)) / 2;
    fpr.push(x1);
    tpr.push(y1);
    const prec = tp / (tp + fp);
    if (P) ap += (dtp / P) * prec;
    recall.push(y1);
    precision.push(prec);
  }
  return { positives: P, negatives: N, fpr, tpr, recall, precision, auroc: P && N ? auc : null, auprc: P ? ap : null };
}
