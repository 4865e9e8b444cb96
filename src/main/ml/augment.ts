// ECG augmentations on a batch laid out as the canonical store has it: (N, leads, T), lead-major
// per record. Each transform has a probability and is drawn per record from a generator seeded by
// (seed, record index), so the same seed gives the same views whatever the batch size or backend.
// They run on the model input, i.e. after normalisation (see normalize.ts): amplitudes are then in
// units of each lead's standard deviation, and the fill value 0 is the lead's mean.
import * as tf from '@tensorflow/tfjs-core';
import { Rng, deriveSeed } from './rng.js';

export interface AugmentConfig {
  /** Sampling rate of the input in Hz (for baseline wander frequencies). */
  readonly rate: number;
  /** Resized crop: a window of scale x T (scale in [minScale, 1]) stretched back to T samples. */
  readonly crop: { readonly p: number; readonly minScale: number };
  /** Shift in time by up to maxShift samples either way; the uncovered end is filled with 0. */
  readonly shift: { readonly p: number; readonly maxShift: number };
  /** One amplitude factor per record, uniform in [min, max]. */
  readonly scale: { readonly p: number; readonly min: number; readonly max: number };
  /** Baseline wander: a sinusoid per lead, frequency in [0.05, maxFrequency] Hz, amplitude up to `amplitude`. */
  readonly wander: { readonly p: number; readonly amplitude: number; readonly maxFrequency: number };
  /** Additive white Gaussian noise of standard deviation std. */
  readonly noise: { readonly p: number; readonly std: number };
  /**
   * Time masking (PAPER.md §3 (a)/(b)): a run of `length` consecutive samples set to 0, across all
   * leads at once (perLead false, the paper's (b)), or at its own place on every lead (perLead true, (a)).
   */
  readonly timeMask: { readonly p: number; readonly length: number; readonly perLead: boolean };
  /** Lead masking: 1..maxLeads whole leads set to 0. */
  readonly leadMask: { readonly p: number; readonly maxLeads: number };
}

/** The defaults (docs/defaults.md, "Pre-training"): the paper's masking, mild classical transforms. */
export const DEFAULT_AUGMENT: AugmentConfig = {
  rate: 100,
  crop: { p: 0.5, minScale: 0.8 },
  shift: { p: 0.5, maxShift: 50 },
  scale: { p: 0.5, min: 0.8, max: 1.2 },
  wander: { p: 0.3, amplitude: 0.1, maxFrequency: 0.5 },
  noise: { p: 0.5, std: 0.05 },
  timeMask: { p: 0.5, length: 100, perLead: false },
  leadMask: { p: 0.2, maxLeads: 3 },
};

/** No transform at all (every probability 0), for evaluation and tests. */
export const NO_AUGMENT: AugmentConfig = {
  ...DEFAULT_AUGMENT,
  crop: { ...DEFAULT_AUGMENT.crop, p: 0 },
  shift: { ...DEFAULT_AUGMENT.shift, p: 0 },
  scale: { ...DEFAULT_AUGMENT.scale, p: 0 },
  wander: { ...DEFAULT_AUGMENT.wander, p: 0 },
  noise: { ...DEFAULT_AUGMENT.noise, p: 0 },
  timeMask: { ...DEFAULT_AUGMENT.timeMask, p: 0 },
  leadMask: { ...DEFAULT_AUGMENT.leadMask, p: 0 },
};

export type AugmentOverrides = { readonly [K in keyof AugmentConfig]?: AugmentConfig[K] extends object ? Partial<AugmentConfig[K]> : AugmentConfig[K] };

/** DEFAULT_AUGMENT (or `base`) with some fields replaced, e.g. { noise: { p: 1 } }. */
export function augmentConfig(overrides: AugmentOverrides = {}, base: AugmentConfig = DEFAULT_AUGMENT): AugmentConfig {
  return {
    rate: overrides.rate ?? base.rate,
    crop: { ...base.crop, ...overrides.crop },
    shift: { ...base.shift, ...overrides.shift },
    scale: { ...base.scale, ...overrides.scale },
    wander: { ...base.wander, ...overrides.wander },
    noise: { ...base.noise, ...overrides.noise },
    timeMask: { ...base.timeMask, ...overrides.timeMask },
    leadMask: { ...base.leadMask, ...overrides.leadMask },
  };
}

/** One record (leads x T, lead-major) that a transform changes in place. */
export interface RecordView {
  readonly data: Float32Array;
  readonly leads: number;
  readonly samples: number;
}

export function resizedCrop(r: RecordView, rng: Rng, minScale: number): void {
  const t = r.samples;
  const len = Math.max(2, Math.round(t * rng.between(minScale, 1)));
  const start = rng.int(t - len + 1);
  const src = Float32Array.from(r.data);
  const step = (len - 1) / Math.max(1, t - 1);
  for (let l = 0; l < r.leads; l++) {
    const base = l * t;
    for (let i = 0; i < t; i++) {
      const pos = start + i * step;
      const k = Math.min(Math.floor(pos), start + len - 2);
      const f = pos - k;
      r.data[base + i] = src[base + k] * (1 - f) + src[base + k + 1] * f;
    }
  }
}

export function shiftRecord(r: RecordView, rng: Rng, maxShift: number): void {
  const t = r.samples;
  const by = rng.int(2 * maxShift + 1) - maxShift;
  if (by === 0) return;
  for (let l = 0; l < r.leads; l++) {
    const lead = r.data.subarray(l * t, (l + 1) * t);
    if (by > 0) {
      lead.copyWithin(by, 0, t - by);
      lead.fill(0, 0, Math.min(by, t));
    } else {
      lead.copyWithin(0, -by, t);
      lead.fill(0, Math.max(0, t + by), t);
    }
  }
}

export function scaleRecord(r: RecordView, rng: Rng, min: number, max: number): void {
  const f = rng.between(min, max);
  for (let i = 0; i < r.data.length; i++) r.data[i] *= f;
}

export function baselineWander(r: RecordView, rng: Rng, amplitude: number, maxFrequency: number, rate: number): void {
  const t = r.samples;
  for (let l = 0; l < r.leads; l++) {
    const a = rng.between(0, amplitude);
    const w = (2 * Math.PI * rng.between(0.05, Math.max(0.05, maxFrequency))) / rate;
    const phase = rng.between(0, 2 * Math.PI);
    const base = l * t;
    for (let i = 0; i < t; i++) r.data[base + i] += a * Math.sin(w * i + phase);
  }
}

export function gaussianNoise(r: RecordView, rng: Rng, std: number): void {
  for (let i = 0; i < r.data.length; i++) r.data[i] += std * rng.normal();
}

/** Sets `length` consecutive samples to 0; returns the start of each lead's run. */
export function timeMask(r: RecordView, rng: Rng, length: number, perLead: boolean): number[] {
  const t = r.samples;
  const len = Math.min(length, t);
  const shared = rng.int(t - len + 1);
  const starts: number[] = [];
  for (let l = 0; l < r.leads; l++) {
    const start = perLead ? rng.int(t - len + 1) : shared;
    r.data.fill(0, l * t + start, l * t + start + len);
    starts.push(start);
  }
  return starts;
}

/** Sets 1..maxLeads distinct whole leads to 0; returns their indices. */
export function leadMask(r: RecordView, rng: Rng, maxLeads: number): number[] {
  const count = 1 + rng.int(Math.max(1, Math.min(maxLeads, r.leads)));
  const chosen = Array.from(rng.permutation(r.leads).subarray(0, count)).sort((a, b) => a - b);
  for (const l of chosen) r.data.fill(0, l * r.samples, (l + 1) * r.samples);
  return chosen;
}

/** Applies the configured transforms to one record in place, in a fixed order (masks last, so masked runs stay exactly 0). */
export function augmentRecord(r: RecordView, config: AugmentConfig, rng: Rng): void {
  if (rng.chance(config.crop.p)) resizedCrop(r, rng, config.crop.minScale);
  if (rng.chance(config.shift.p)) shiftRecord(r, rng, config.shift.maxShift);
  if (rng.chance(config.scale.p)) scaleRecord(r, rng, config.scale.min, config.scale.max);
  if (rng.chance(config.wander.p)) baselineWander(r, rng, config.wander.amplitude, config.wander.maxFrequency, config.rate);
  if (rng.chance(config.noise.p)) gaussianNoise(r, rng, config.noise.std);
  if (rng.chance(config.timeMask.p)) timeMask(r, rng, config.timeMask.length, config.timeMask.perLead);
  if (rng.chance(config.leadMask.p)) leadMask(r, rng, config.leadMask.maxLeads);
}

/** An augmented copy of a batch x (N, leads, T); record i is drawn from deriveSeed(seed, i). */
export function augmentBatch(x: Float32Array, batch: number, leads: number, config: AugmentConfig, seed: number): Float32Array {
  const out = Float32Array.from(x);
  const size = x.length / batch;
  const samples = size / leads;
  if (!Number.isInteger(samples)) throw new RangeError(`batch of ${x.length} values is not ${batch} x ${leads} x T`);
  for (let i = 0; i < batch; i++) {
    augmentRecord({ data: out.subarray(i * size, (i + 1) * size), leads, samples }, config, new Rng(deriveSeed(seed, i)));
  }
  return out;
}

/** augmentBatch for a tensor [N, leads, T]; a new tensor, the input is left alone. */
export function augmentTensor(x: tf.Tensor3D, config: AugmentConfig, seed: number): tf.Tensor3D {
  const [n, leads, t] = x.shape;
  return tf.tensor3d(augmentBatch(x.dataSync() as Float32Array, n, leads, config, seed), [n, leads, t]);
}
