// One record's MAE reconstruction on an inference engine, drawn exactly as ssl/reconstruct.ts
// draws it (same seeded mask, same normalisation), so both engines show the same picture.
import { vitShape } from '../models/index.js';
import { denormalizeBatch, normalizeBatch } from '../normalize.js';
import { randomPatchMask } from '../ssl/mae.js';
import type { Reconstruction, ReconstructOptions } from '../ssl/reconstruct.js';
import type { InferenceEngine } from './engine.js';

export async function reconstructRecord(engine: InferenceEngine, record: Float32Array, options: ReconstructOptions = {}): Promise<Reconstruction> {
  const { json } = engine.bundle;
  const { leads, samples } = engine;
  if (record.length !== leads * samples) throw new RangeError(`record has ${record.length} values, the model takes ${leads} x ${samples}`);
  const patch = vitShape(json.architecture.options).patch;
  const bundleRatio = typeof json.method?.maskRatio === 'number' ? json.method.maskRatio : 0.75;
  const m = randomPatchMask(samples / patch, options.maskRatio ?? bundleRatio, options.seed ?? 1);
  const { data, stats } = normalizeBatch(record, 1, leads, options.normalisation ?? json.preprocessing.normalisation);
  const predicted = await engine.reconstruct(data, 1, [m]);
  const masked = Float32Array.from(record);
  for (let l = 0; l < leads; l++) {
    m.mask.forEach((h, p) => {
      if (h) masked.fill(Number.NaN, l * samples + p * patch, l * samples + (p + 1) * patch);
    });
  }
  return { mask: m.mask, patchSamples: patch, masked, reconstruction: denormalizeBatch(predicted, stats) };
}
