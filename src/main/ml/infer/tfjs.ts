// The TensorFlow.js engine: the workstation's own models on the active tfjs backend. The fallback
// when ONNX Runtime does not load, and the reference the ONNX graphs are tested against.
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend } from '../backend.js';
import { BundleError, type LoadedBundle } from '../bundle.js';
import { loadClassifier, loadPretrained } from '../load.js';
import type { EcgModel } from '../models/index.js';
import type { MaeModel } from '../ssl/mae.js';
import { checkBatch, type EngineInfo, type InferenceEngine } from './engine.js';

export async function openTfjsEngine(bundle: LoadedBundle, reason: string): Promise<InferenceEngine> {
  // Keeps a backend already chosen (e.g. by the experiment's setting); picks one otherwise.
  const backend = await chooseBackend({});
  const { leads, samples, classes } = bundle.json.architecture.options;
  const isClassifier = bundle.json.task === 'classifier' || bundle.json.task === 'probe';
  let model: EcgModel;
  let mae: MaeModel | undefined;
  let dispose: () => void;
  if (isClassifier) {
    const c = loadClassifier(bundle);
    model = c.model;
    dispose = c.dispose;
  } else {
    const { method } = loadPretrained(bundle);
    model = method.encoder;
    if (method.kind === 'mae') mae = method as MaeModel;
    dispose = () => method.dispose();
  }
  const info: EngineInfo = { engine: 'tfjs', provider: backend.tfBackend, reason };
  const run = (x: Float32Array, n: number, output: 'logits' | 'embedding'): Float32Array => {
    checkBatch(x, n, leads, samples);
    return tf.tidy(() => model.apply(tf.tensor3d(x, [n, leads, samples]), { training: false, output }).dataSync() as Float32Array);
  };
  return {
    info,
    bundle,
    leads,
    samples,
    classes,
    async logits(x, n) {
      if (!isClassifier) throw new BundleError('mismatch', `${bundle.dir} is a ${bundle.json.task} bundle: it has no classification head`);
      return run(x, n, 'logits');
    },
    async embeddings(x, n) {
      return run(x, n, 'embedding');
    },
    async reconstruct(x, n, masks) {
      if (!mae) throw new BundleError('mismatch', `${bundle.dir} is a ${bundle.json.task} bundle, not MAE`);
      checkBatch(x, n, leads, samples);
      const m = mae;
      return tf.tidy(() => m.predict(tf.tensor3d(x, [n, leads, samples]), masks).dataSync() as Float32Array);
    },
    async dispose() {
      dispose();
    },
  };
}
