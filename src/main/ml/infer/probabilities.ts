// From a classifier's logits to the probabilities every caller reports (evaluation, experiments,
// the inspect view): one sigmoid per class, since the 24 classes are not exclusive.

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Probabilities [class][record] of record-major logits (n records x k classes). */
export function probabilityColumns(logits: ArrayLike<number>, n: number, fallbackClasses: number): Float32Array[] {
  const k = n ? logits.length / n : fallbackClasses;
  const out = Array.from({ length: k }, () => new Float32Array(n));
  for (let r = 0; r < n; r++) for (let c = 0; c < k; c++) out[c][r] = sigmoid(logits[r * k + c]);
  return out;
}
