// Model-input normalisation of canonical records (mV): z-score per record and per lead
// (PAPER.md §6 gap 3). The statistics are kept so outputs in normalised units (MAE
// reconstructions) can be brought back to mV.
export type Normalisation = 'zscore-per-lead' | 'none';
export const NORMALISATIONS: readonly Normalisation[] = ['zscore-per-lead', 'none'];

/** A lead whose standard deviation is below this (mV) is flat: only centred, not scaled up. */
export const FLAT_LEAD_STD = 1e-3;

export interface LeadStats {
  /** Per record and lead, (N * leads) values. */
  readonly mean: Float32Array;
  readonly std: Float32Array;
}

/** A normalised copy of x (N, leads, T) and the statistics used. */
export function normalizeBatch(x: Float32Array, batch: number, leads: number, how: Normalisation): { data: Float32Array; stats: LeadStats } {
  const rows = batch * leads;
  const t = x.length / rows;
  const mean = new Float32Array(rows);
  const std = new Float32Array(rows).fill(1);
  if (how === 'none') return { data: Float32Array.from(x), stats: { mean, std } };
  const out = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) {
    const lead = x.subarray(r * t, (r + 1) * t);
    let m = 0;
    for (let i = 0; i < t; i++) m += lead[i];
    m /= t;
    let v = 0;
    for (let i = 0; i < t; i++) v += (lead[i] - m) ** 2;
    const s = Math.sqrt(v / t);
    const scale = s < FLAT_LEAD_STD ? 1 : s;
    mean[r] = m;
    std[r] = scale;
    for (let i = 0; i < t; i++) out[r * t + i] = (lead[i] - m) / scale;
  }
  return { data: out, stats: { mean, std } };
}

/** The inverse of normalizeBatch: values in normalised units back to mV, a new array. */
export function denormalizeBatch(x: Float32Array, stats: LeadStats): Float32Array {
  const rows = stats.mean.length;
  const t = x.length / rows;
  const out = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) for (let i = 0; i < t; i++) out[r * t + i] = x[r * t + i] * stats.std[r] + stats.mean[r];
  return out;
}
