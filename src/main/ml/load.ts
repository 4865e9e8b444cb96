// Loading bundles back into working models: a classifier (or probe) for predictions, or a
// pre-training method (e.g. MAE for reconstructions). Every check of readBundle applies, and the
// weights must fit the architecture the bundle names.
import * as tf from '@tensorflow/tfjs-core';
import { BundleError, assignWeights, readBundle, type LoadedBundle } from './bundle.js';
import { createModel, type EcgModel } from './models/index.js';
import { normalizeBatch } from './normalize.js';
import type { MaeModel, SslMethod } from './ssl/index.js';
import { sslMethodFor } from './train/ssl.js';

export interface LoadedClassifier {
  readonly bundle: LoadedBundle;
  readonly model: EcgModel;
  /** Logits [n x classes] for n canonical records (n x 12 x T, mV), normalised as the bundle says. */
  logits(records: Float32Array, n: number): Float32Array;
  dispose(): void;
}

/** `source`: a bundle folder, or a bundle already read (the inference engines pass theirs). */
export function loadClassifier(source: string | LoadedBundle): LoadedClassifier {
  const bundle = typeof source === 'string' ? readBundle(source) : source;
  const dir = bundle.dir;
  const { json } = bundle;
  if (json.task !== 'classifier' && json.task !== 'probe') throw new BundleError('mismatch', `${dir} is a ${json.task} bundle, not a classifier`);
  const model = createModel(json.architecture.name, json.architecture.options);
  try {
    assignWeights(new Map([...model.params, ...model.buffers]), bundle.weights, { source: dir });
  } catch (err) {
    model.dispose();
    throw err;
  }
  return {
    bundle,
    model,
    logits(records, n) {
      const x = normalizeBatch(records, n, model.leads, json.preprocessing.normalisation).data;
      return tf.tidy(() => model.apply(tf.tensor3d(x, [n, model.leads, model.samples]), { training: false }).dataSync() as Float32Array);
    },
    dispose: () => model.dispose(),
  };
}

export interface LoadedSsl {
  readonly bundle: LoadedBundle;
  readonly method: SslMethod;
}

export function loadPretrained(source: string | LoadedBundle): LoadedSsl {
  const bundle = typeof source === 'string' ? readBundle(source) : source;
  const dir = bundle.dir;
  const method = sslMethodFor(bundle.json);
  try {
    assignWeights(method.state, bundle.weights, { source: dir });
  } catch (err) {
    method.dispose();
    throw err;
  }
  return { bundle, method };
}

/** An MAE bundle, ready for reconstruct(). */
export function loadMae(dir: string): { bundle: LoadedBundle; mae: MaeModel } {
  const { bundle, method } = loadPretrained(dir);
  if (method.kind !== 'mae') {
    method.dispose();
    throw new BundleError('mismatch', `${dir} is a ${bundle.json.task} bundle, not MAE`);
  }
  return { bundle, mae: method as MaeModel };
}
