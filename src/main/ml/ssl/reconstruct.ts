// One record's MAE reconstruction for the viewer: which patches were hidden, the record as the
// encoder saw it, and the decoder's prediction, in mV.
import * as tf from '@tensorflow/tfjs-core';
import { denormalizeBatch, normalizeBatch, type Normalisation } from '../normalize.js';
import { randomPatchMask, type MaeModel } from './mae.js';

export interface ReconstructOptions {
  /** Default: the model's own mask ratio. */
  readonly maskRatio?: number;
  /** Seed of the mask (default 1). */
  readonly seed?: number;
  /** How the model's input was normalised (the bundle's preprocessing; default z-score per lead). */
  readonly normalisation?: Normalisation;
}

export interface Reconstruction {
  /** One entry per patch (time step of `patchSamples` samples across all leads): 1 = hidden. */
  readonly mask: Uint8Array;
  readonly patchSamples: number;
  /** The record (12 x T, mV) with hidden patches set to NaN, i.e. what the encoder was shown. */
  readonly masked: Float32Array;
  /** The decoder's prediction for every patch (12 x T, mV); compare it with the record on hidden patches. */
  readonly reconstruction: Float32Array;
}

export function reconstruct(model: MaeModel, record: Float32Array, options: ReconstructOptions = {}): Reconstruction {
  const { leads, samples } = model.encoder;
  if (record.length !== leads * samples) throw new RangeError(`record has ${record.length} values, the model takes ${leads} x ${samples}`);
  const patch = model.encoder.vit.shape.patch;
  const m = randomPatchMask(model.encoder.vit.tokens, options.maskRatio ?? model.maskRatio, options.seed ?? 1);
  const { data, stats } = normalizeBatch(record, 1, leads, options.normalisation ?? 'zscore-per-lead');
  const predicted = tf.tidy(() => model.predict(tf.tensor3d(data, [1, leads, samples]), [m]).dataSync() as Float32Array);
  const masked = Float32Array.from(record);
  for (let l = 0; l < leads; l++) {
    m.mask.forEach((h, p) => {
      if (h) masked.fill(Number.NaN, l * samples + p * patch, l * samples + (p + 1) * patch);
    });
  }
  return { mask: m.mask, patchSamples: patch, masked, reconstruction: denormalizeBatch(predicted, stats) };
}
