// Seeded corruptions of canonical records (12 leads x n samples, lead-major, mV) that simulate
// incomplete or disturbed recordings: time masking, lead dropout, Gaussian noise at a set SNR,
// baseline wander and mains interference. Pure functions: the input is never changed, the same
// seed gives the same output on every machine, and each result says what was done to the record.
import { LEAD_COUNT } from '../../shared/leads.js';
import { mulberry32 } from '../../shared/random.js';

export const CORRUPTION_KINDS = ['time_mask', 'lead_dropout', 'gaussian_noise', 'baseline_wander', 'mains'] as const;
export type CorruptionKind = (typeof CORRUPTION_KINDS)[number];

/** Named lead-dropout cases beside a count of leads: keep the six limb leads, or lead I alone. */
export type LeadDropoutCase = 'limb-only' | 'single-lead';
export type Strength = number | LeadDropoutCase;

export interface MaskRun {
  readonly start: number;
  readonly length: number;
}

/** Limb leads I, II, III, aVR, aVL, aVF are indices 0-5 in the canonical order; V1-V6 are 6-11. */
const LIMB_LEADS = 6;
/** Single-lead case keeps lead I (index 0): what a smartwatch or handheld device records. */
const SINGLE_LEAD_KEPT = 0;

function samplesOf(record: Float32Array): number {
  if (record.length === 0 || record.length % LEAD_COUNT !== 0) throw new RangeError(`a record holds ${LEAD_COUNT} leads of equal length, not ${record.length} values`);
  return record.length / LEAD_COUNT;
}

/** Standard normal draws (Box-Muller) from a uniform generator. */
function gaussian(uniform: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const u = 1 - uniform(); // (0, 1]: log stays finite
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/**
 * `runs` non-overlapping runs of `length` samples, each zeroed on all 12 leads at once (PAPER.md's
 * augmentation (b), as a test corruption). Starts are drawn uniformly among non-overlapping
 * placements; runs may touch. The runs are returned in time order.
 */
export function timeMask(record: Float32Array, args: { length: number; runs?: number }, seed: number): { record: Float32Array; runs: MaskRun[] } {
  const n = samplesOf(record);
  const runs = args.runs ?? 1;
  if (!Number.isInteger(args.length) || args.length < 1 || !Number.isInteger(runs) || runs < 1) throw new RangeError(`time mask: runs ${runs} of ${args.length} samples`);
  const free = n - runs * args.length;
  if (free < 0) throw new RangeError(`time mask: ${runs} runs of ${args.length} samples do not fit in ${n}`);
  const rand = mulberry32(seed);
  // Gaps before each run: sorted uniform offsets in [0, free] spread the runs without overlap.
  const offsets = Array.from({ length: runs }, () => Math.floor(rand() * (free + 1))).sort((a, b) => a - b);
  const placed = offsets.map((o, i) => ({ start: o + i * args.length, length: args.length }));
  const out = Float32Array.from(record);
  for (let lead = 0; lead < LEAD_COUNT; lead++) for (const r of placed) out.fill(0, lead * n + r.start, lead * n + r.start + r.length);
  return { record: out, runs: placed };
}

/** Leads zeroed: `count` leads drawn without replacement, or a named case. Ascending indices. */
export function droppedLeads(strength: Strength, seed: number): number[] {
  if (strength === 'limb-only') return Array.from({ length: LEAD_COUNT - LIMB_LEADS }, (_, i) => LIMB_LEADS + i);
  if (strength === 'single-lead') return Array.from({ length: LEAD_COUNT }, (_, i) => i).filter((i) => i !== SINGLE_LEAD_KEPT);
  if (!Number.isInteger(strength) || strength < 1 || strength >= LEAD_COUNT) throw new RangeError(`lead dropout: ${strength} leads (1-${LEAD_COUNT - 1}, 'limb-only' or 'single-lead')`);
  const rand = mulberry32(seed);
  const leads = Array.from({ length: LEAD_COUNT }, (_, i) => i);
  for (let i = 0; i < strength; i++) {
    const j = i + Math.floor(rand() * (LEAD_COUNT - i));
    [leads[i], leads[j]] = [leads[j], leads[i]];
  }
  return leads.slice(0, strength).sort((a, b) => a - b);
}

/** Zeroes whole leads; the others are copied bit for bit. */
export function leadDropout(record: Float32Array, strength: Strength, seed: number): { record: Float32Array; dropped: number[] } {
  const n = samplesOf(record);
  const dropped = droppedLeads(strength, seed);
  const out = Float32Array.from(record);
  for (const lead of dropped) out.fill(0, lead * n, (lead + 1) * n);
  return { record: out, dropped };
}

/**
 * White Gaussian noise at `snrDb` per lead: the noise variance is the lead's variance (its power
 * about the mean, so a DC offset does not count as signal) divided by 10^(snr/10). A flat lead
 * (variance 0, e.g. a missing one) stays as it is. Returns the noise sd used per lead.
 */
export function gaussianNoise(record: Float32Array, snrDb: number, seed: number): { record: Float32Array; noiseSd: number[] } {
  const n = samplesOf(record);
  if (!Number.isFinite(snrDb)) throw new RangeError(`noise: SNR ${snrDb} dB`);
  const normal = gaussian(mulberry32(seed));
  const out = Float32Array.from(record);
  const noiseSd: number[] = [];
  for (let lead = 0; lead < LEAD_COUNT; lead++) {
    const from = lead * n;
    let mean = 0;
    for (let i = 0; i < n; i++) mean += record[from + i];
    mean /= n;
    let power = 0;
    for (let i = 0; i < n; i++) power += (record[from + i] - mean) ** 2;
    power /= n;
    const sd = power > 0 ? Math.sqrt(power / 10 ** (snrDb / 10)) : 0;
    noiseSd.push(sd);
    if (sd > 0) for (let i = 0; i < n; i++) out[from + i] = record[from + i] + sd * normal();
  }
  return { record: out, noiseSd };
}

/** Respiration-like wander: 0.05-0.5 Hz. */
export const WANDER_BAND_HZ = [0.05, 0.5] as const;

/**
 * Baseline wander: one sinusoid per record (frequency drawn in WANDER_BAND_HZ, as respiration moves
 * every lead at one rate) with its own phase per lead, peak amplitude `amplitudeMv`, added to each lead.
 */
export function baselineWander(record: Float32Array, amplitudeMv: number, seed: number, rateHz: number): { record: Float32Array; frequencyHz: number } {
  const n = samplesOf(record);
  if (!(amplitudeMv >= 0) || !(rateHz > 0)) throw new RangeError(`baseline wander: ${amplitudeMv} mV at ${rateHz} Hz`);
  const rand = mulberry32(seed);
  const frequencyHz = WANDER_BAND_HZ[0] + rand() * (WANDER_BAND_HZ[1] - WANDER_BAND_HZ[0]);
  const out = Float32Array.from(record);
  for (let lead = 0; lead < LEAD_COUNT; lead++) {
    const phase = 2 * Math.PI * rand();
    for (let i = 0; i < n; i++) out[lead * n + i] += amplitudeMv * Math.sin((2 * Math.PI * frequencyHz * i) / rateHz + phase);
  }
  return { record: out, frequencyHz };
}

/** Where a `frequencyHz` tone lands when sampled at `rateHz` (0 ... rate/2). */
export function aliasedFrequency(frequencyHz: number, rateHz: number): number {
  return Math.abs(frequencyHz - rateHz * Math.round(frequencyHz / rateHz));
}

/**
 * Mains interference: a `frequencyHz` (50 or 60) sinusoid of peak amplitude `amplitudeMv`, the same
 * on every lead, sampled at the record's rate with a seeded phase. The canonical store's rate
 * (100 Hz by default) is below twice the mains frequency, so the tone appears aliased (60 Hz at
 * 40 Hz) or, for 50 Hz at 100 Hz, exactly at Nyquist; there the phase is fixed at the peak (samples
 * alternate +-A), since any other phase would quietly scale the strength down.
 */
export function mainsInterference(record: Float32Array, amplitudeMv: number, seed: number, rateHz: number, frequencyHz = 50): { record: Float32Array; apparentHz: number } {
  const n = samplesOf(record);
  if (!(amplitudeMv >= 0) || !(rateHz > 0) || !(frequencyHz > 0)) throw new RangeError(`mains: ${amplitudeMv} mV, ${frequencyHz} Hz at ${rateHz} Hz`);
  const apparentHz = aliasedFrequency(frequencyHz, rateHz);
  const atNyquist = Math.abs(apparentHz - rateHz / 2) < 1e-9;
  const phase = atNyquist ? Math.PI / 2 : 2 * Math.PI * mulberry32(seed)();
  const tone = Float64Array.from({ length: n }, (_, i) => amplitudeMv * Math.sin((2 * Math.PI * frequencyHz * i) / rateHz + phase));
  const out = Float32Array.from(record);
  for (let lead = 0; lead < LEAD_COUNT; lead++) for (let i = 0; i < n; i++) out[lead * n + i] += tone[i];
  return { record: out, apparentHz };
}

export interface CorruptionSpec {
  readonly kind: CorruptionKind;
  /**
   * time_mask: run length in samples; lead_dropout: leads zeroed or a named case; gaussian_noise:
   * SNR in dB (lower is stronger); baseline_wander and mains: peak amplitude in mV.
   */
  readonly strength: Strength;
  /** time_mask: runs per record (default 1). */
  readonly runs?: number;
  /** mains: 50 or 60 Hz (default 50). */
  readonly mainsHz?: number;
}

/** One corruption applied to one record; `rateHz` is the record's sampling rate. */
export function corrupt(record: Float32Array, spec: CorruptionSpec, seed: number, rateHz: number): Float32Array {
  const numeric = (): number => {
    if (typeof spec.strength !== 'number') throw new RangeError(`${spec.kind}: strength '${spec.strength}' is not a number`);
    return spec.strength;
  };
  switch (spec.kind) {
    case 'time_mask':
      return timeMask(record, { length: numeric(), runs: spec.runs }, seed).record;
    case 'lead_dropout':
      return leadDropout(record, spec.strength, seed).record;
    case 'gaussian_noise':
      return gaussianNoise(record, numeric(), seed).record;
    case 'baseline_wander':
      return baselineWander(record, numeric(), seed, rateHz).record;
    case 'mains':
      return mainsInterference(record, numeric(), seed, rateHz, spec.mainsHz).record;
  }
}
