// Patient-level bootstrap: replicate test sets drawn by resampling patients with replacement, all of
// a patient's records moving together (records of one patient are not independent), and percentile
// confidence intervals over the replicate values.
import { mulberry32 } from '../../../shared/random.js';

export const DEFAULT_REPLICATES = 1000;
export const DEFAULT_SEED = 0;
export const DEFAULT_LEVEL = 0.95;

/** Small seeded generator (mulberry32): the same seed gives the same replicates on every machine. */
export class SeededRandom {
  /** Uniform in [0, 1). */
  readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  /** Uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/**
 * Record indices grouped by patient, in order of first appearance. Without patient ids every
 * record is its own patient.
 */
export function patientGroups(recordCount: number, patients?: readonly string[]): Uint32Array[] {
  if (!patients) return Array.from({ length: recordCount }, (_, i) => Uint32Array.of(i));
  if (patients.length !== recordCount) throw new Error(`patient ids: ${patients.length} for ${recordCount} records`);
  const byPatient = new Map<string, number[]>();
  patients.forEach((p, i) => {
    const list = byPatient.get(p);
    if (list) list.push(i);
    else byPatient.set(p, [i]);
  });
  return [...byPatient.values()].map((list) => Uint32Array.from(list));
}

/**
 * Fills `counts` with the multiplicity of every record in one replicate: as many patients as there are
 * are drawn with replacement, and each draw adds one to every record of the drawn patient.
 */
export function drawReplicate(groups: readonly Uint32Array[], rng: SeededRandom, counts: Float64Array): void {
  counts.fill(0);
  for (let d = 0; d < groups.length; d++) {
    const group = groups[rng.below(groups.length)];
    for (let r = 0; r < group.length; r++) counts[group[r]]++;
  }
}

export interface Interval {
  readonly low: number;
  readonly high: number;
  /** Replicates in which the metric was defined (a class can lose all its positives in a replicate). */
  readonly replicates: number;
}

/**
 * Percentile interval: the (1 - level)/2 and (1 + level)/2 quantiles of the defined replicate values,
 * linearly interpolated between order statistics (numpy's default "linear" method). Null if no
 * replicate defined the metric.
 */
export function percentileInterval(values: readonly number[], level = DEFAULT_LEVEL): Interval | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const alpha = (1 - level) / 2;
  return { low: quantile(sorted, alpha), high: quantile(sorted, 1 - alpha), replicates: sorted.length };
}

/** Quantile q of ascending values, numpy 'linear': position q * (n - 1). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}
