// A record brought to a foreign model's input spec (its model card's `input`, docs/model-card.md):
// the model's rate and length, its leads in its order, its units, its filter, its normalisation,
// its layout. Lead mapping and derivation, the anti-aliased resampler, the window rule for long
// records and the zero padding of short ones are canonicalize()'s, run at the model's rate and
// length, so a record reaches a foreign model exactly as it reaches the canonical store.
//
// Order of the steps: canonicalize (mV, rate, window, leads) -> the card's leads in its order ->
// units -> filter (on the window's valid samples only) -> normalisation (statistics over the valid
// samples) -> zero padding at the end -> layout. A missing lead stays all zeros.
import { STANDARD_LEADS, type StandardLead } from '../../shared/leads.js';
import type { CardInput } from '../../shared/model-card.js';
import type { Reading } from '../formats/types.js';
import { butterSos, sosfilt, sosfiltfilt, sosfiltfiltPadlen, type Section } from './butterworth.js';
import { canonicalize } from './canonical.js';
import type { LeadStatus } from './leads.js';
import type { WindowRule } from './window.js';

/** The part of a model card that says what the input tensor holds (the card's `input` without its name). */
export type ModelInputSpec = Omit<CardInput, 'name'>;

export interface ModelInput {
  /** leads * samples values, [leads, samples] row-major for NCL, [samples, leads] for NLC (no batch axis). */
  readonly data: Float32Array;
  /** The tensor's shape without the batch axis. */
  readonly shape: readonly [number, number];
  /** First source sample of the window (the 10 s window rule generalised to the model's length). */
  readonly windowStart: number;
  /** Samples per lead that hold signal; the rest are zero padding at the end. */
  readonly validLength: number;
  /** samples - validLength. */
  readonly paddedSamples: number;
  /** Per card lead, in the card's order: recorded, derived from other limb leads, or missing (zeros). */
  readonly leadStatus: readonly LeadStatus[];
  readonly warnings: readonly string[];
}

/** A record that cannot be brought to the spec (too short for the filter, no signal at all). */
export class ModelInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelInputError';
  }
}

export interface ModelInputOptions {
  /** Window of a longer record (default 'cleanest', as the canonical store). */
  readonly window?: WindowRule;
}

const sosCache = new Map<string, Section[]>();

/** The card filter's sections (scipy.signal.butter(..., output='sos')), designed once per spec. */
export function filterSections(spec: Pick<ModelInputSpec, 'filter' | 'rate'>): Section[] | null {
  const f = spec.filter;
  if (!f) return null;
  const cutoff: number | [number, number] = f.type === 'bandpass' ? [f.low as number, f.high as number] : f.type === 'highpass' ? (f.low as number) : (f.high as number);
  const key = JSON.stringify([f.type, f.order, cutoff, spec.rate]);
  let sos = sosCache.get(key);
  if (!sos) {
    sos = butterSos(f.order, cutoff, f.type, spec.rate);
    sosCache.set(key, sos);
  }
  return sos;
}

/** The fewest valid samples a record must give for the spec (more than sosfiltfilt's padding when zero phase). */
export function minimumSamples(spec: Pick<ModelInputSpec, 'filter' | 'rate'>): number {
  const sos = filterSections(spec);
  return sos && spec.filter?.zeroPhase ? sosfiltfiltPadlen(sos) + 1 : 1;
}

/** Bring one reading to the model's input spec; throws ModelInputError when it cannot be done. */
export function prepareModelInput(reading: Reading, spec: ModelInputSpec, options: ModelInputOptions = {}): ModelInput {
  const { samples, leads } = spec;
  const canonical = canonicalize(reading, { rate: spec.rate, length: samples, window: options.window ?? 'cleanest' });
  const valid = canonical.validLength;
  const minimum = minimumSamples(spec);
  if (valid < minimum) {
    throw new ModelInputError(`record '${reading.record}' gives ${valid} samples at ${spec.rate} Hz; the model's ${spec.filter?.zeroPhase ? 'zero-phase filter needs' : 'input needs'} at least ${minimum}`);
  }
  const rows = leads.map((l) => STANDARD_LEADS.indexOf(l as StandardLead));
  const leadStatus = rows.map((r) => canonical.leadStatus[r]);
  const warnings = canonical.warnings.filter((w) => !w.startsWith('missing leads zero-filled'));
  const missing = leads.filter((_, i) => leadStatus[i] === 'missing');
  if (missing.length === leads.length) throw new ModelInputError(`record '${reading.record}' has none of the model's leads (${leads.join(', ')})`);
  if (missing.length > 0) warnings.push(`leads the model takes but the record lacks, given as zeros: ${missing.join(', ')}`);

  const unit = spec.units === 'uV' ? 1000 : 1;
  const sos = filterSections(spec);
  // Per card lead, its valid samples in the card's units, filtered (float64 until the end).
  const signal = rows.map((r, i) => {
    if (leadStatus[i] === 'missing') return null;
    let x: Float64Array = new Float64Array(valid);
    const from = r * samples;
    for (let j = 0; j < valid; j++) x[j] = canonical.data[from + j] * unit;
    if (sos) x = spec.filter?.zeroPhase ? sosfiltfilt(sos, x) : sosfilt(sos, x);
    return x;
  });
  normalize(signal, spec.normalization, warnings, leads);

  const data = new Float32Array(leads.length * samples);
  const nlc = spec.layout === 'NLC';
  signal.forEach((x, l) => {
    if (!x) return;
    for (let j = 0; j < valid; j++) data[nlc ? j * leads.length + l : l * samples + j] = x[j];
  });
  return {
    data,
    shape: nlc ? [samples, leads.length] : [leads.length, samples],
    windowStart: canonical.windowStart,
    validLength: valid,
    paddedSamples: samples - valid,
    leadStatus,
    warnings,
  };
}

/**
 * The card's normalisation in place: per-lead z-score (each lead's own mean and population
 * standard deviation, numpy's std), global z-score (one mean and deviation over all present
 * leads' samples), or the card's fixed mean and std per lead. A lead with no spread is left
 * centred, not divided (and said so); missing leads stay absent (zeros in the tensor).
 */
function normalize(signal: (Float64Array | null)[], norm: ModelInputSpec['normalization'], warnings: string[], leads: readonly string[]): void {
  if (norm === 'none') return;
  const flat: string[] = [];
  const apply = (x: Float64Array, mean: number, std: number, lead: string) => {
    const scale = std > 0 ? 1 / std : 1;
    if (!(std > 0)) flat.push(lead);
    for (let j = 0; j < x.length; j++) x[j] = (x[j] - mean) * scale;
  };
  if (typeof norm === 'object') {
    signal.forEach((x, l) => x && apply(x, norm.mean[l], norm.std[l], leads[l]));
    return;
  }
  if (norm === 'per-lead-zscore') {
    signal.forEach((x, l) => {
      if (!x) return;
      const { mean, std } = moments([x]);
      apply(x, mean, std, leads[l]);
    });
  } else {
    const present = signal.filter((x): x is Float64Array => x !== null);
    const { mean, std } = moments(present);
    signal.forEach((x, l) => x && apply(x, mean, std, leads[l]));
  }
  if (flat.length > 0) warnings.push(`no variation to normalise in ${flat.join(', ')}: centred only`);
}

/** Mean and population standard deviation over all values, two passes (as numpy: no cancellation). */
function moments(xs: readonly Float64Array[]): { mean: number; std: number } {
  let n = 0;
  let sum = 0;
  for (const x of xs) for (let j = 0; j < x.length; j++) sum += x[j];
  for (const x of xs) n += x.length;
  const mean = sum / n;
  let sq = 0;
  for (const x of xs) for (let j = 0; j < x.length; j++) sq += (x[j] - mean) ** 2;
  return { mean, std: Math.sqrt(sq / n) };
}
