// TS -> PyTorch -> TS: a bundle exported with `bundle export --torch`, loaded by the PyTorch
// networks of cluster/openecg_cluster, gives the same logits, embeddings and MAE reconstructions
// (1e-4), and PyTorch's own state_dict imported back (`bundle import --torch`) gives them again.
// BatchNorm running statistics are set to random values first, so their mapping is exercised.
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../src/main/ml/backend.js';
import { assignWeights, readBundle, saveBundle } from '../../src/main/ml/bundle.js';
import { createModel, type EcgModel, type ModelName } from '../../src/main/ml/models/index.js';
import { Rng } from '../../src/main/ml/rng.js';
import { readSafeTensors, writeSafeTensors } from '../../src/main/ml/safetensors.js';
import { createMae, randomPatchMask, type MaeModel } from '../../src/main/ml/ssl/index.js';
import { bundleMeta } from '../../src/main/ml/train/common.js';
import { sslMethodFor } from '../../src/main/ml/train/ssl.js';
import { exportTorchCheckpoint, importTorchCheckpoint } from '../../src/main/ml/torch-weights.js';
import { tempDir } from '../temp.js';
import { python, torchMissing } from './python.js';

const N = 3;
const TINY: Record<ModelName, { width: number; depth: number }> = {
  resnet18_1d: { width: 0.0625, depth: 0.25 },
  resnet50_1d: { width: 0.0625, depth: 0.25 },
  vit_1d: { width: 0.0625, depth: 0.1667 },
};

beforeAll(async () => {
  await chooseBackend({ prefer: 'cpu', env: {} });
});

function randomise(vars: ReadonlyMap<string, tf.Variable>, seed: number): void {
  const rng = new Rng(seed);
  for (const [name, v] of vars) {
    if (!/running_(mean|var)$/.test(name)) continue;
    const values = Float32Array.from({ length: v.size }, () => (name.endsWith('var') ? rng.between(0.5, 2) : rng.between(-0.3, 0.3)));
    v.assign(tf.tensor(values, v.shape));
  }
}

function input(seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: N * 12 * 1000 }, () => rng.normal());
}

function outputs(model: EcgModel, x: Float32Array): { logits: Float32Array; embedding: Float32Array } {
  return tf.tidy(() => {
    const t = tf.tensor3d(x, [N, 12, 1000]);
    return { logits: model.apply(t, { training: false }).dataSync() as Float32Array, embedding: model.apply(t, { training: false, output: 'embedding' }).dataSync() as Float32Array };
  });
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Exports the bundle, runs the PyTorch peer, returns its outputs and the path of its state_dict. */
function peer(dir: string, bundle: string, inputs: Map<string, { shape: number[]; values: Float32Array }>): { out: Map<string, Float32Array>; state: string } {
  const model = join(dir, 'model.safetensors');
  exportTorchCheckpoint(bundle, model);
  writeSafeTensors(join(dir, 'input.safetensors'), inputs);
  python(['tests/peer_outputs.py', model, join(dir, 'input.safetensors'), join(dir, 'out.safetensors'), join(dir, 'state.safetensors')]);
  const out = readSafeTensors(join(dir, 'out.safetensors'));
  return { out: new Map([...out.tensors].map(([k, v]) => [k, v.values])), state: join(dir, 'state.safetensors') };
}

describe.skipIf(torchMissing !== null)('TS -> PyTorch -> TS round trip', () => {
  for (const name of ['resnet18_1d', 'resnet50_1d', 'vit_1d'] as const) {
    it(`${name}: equal logits and embeddings both ways`, () => {
      const dir = tempDir('torch-rt');
      const modelOptions = { ...TINY[name], seed: 7 };
      const model = createModel(name, modelOptions);
      randomise(model.buffers, 3);
      const all = new Map([...model.params, ...model.buffers]);
      const bundle = join(dir, 'ts-bundle');
      saveBundle(bundle, bundleMeta({ task: 'classifier', model, modelOptions, normalisation: 'zscore-per-lead', seed: 7, config: {} }), all);
      const x = input(11);
      const ts = outputs(model, x);
      const { out, state } = peer(dir, bundle, new Map([['x', { shape: [N, 12, 1000], values: x }]]));
      expect(maxDiff(out.get('logits')!, ts.logits)).toBeLessThan(1e-4);
      expect(maxDiff(out.get('embedding')!, ts.embedding)).toBeLessThan(1e-4);
      // Back: PyTorch's state_dict as a bundle, into a fresh network.
      importTorchCheckpoint(state, join(dir, 'back'));
      const back = createModel(name, { ...modelOptions, seed: 99 });
      assignWeights(new Map([...back.params, ...back.buffers]), readBundle(join(dir, 'back')).weights);
      const again = outputs(back, x);
      expect(maxDiff(again.logits, ts.logits)).toBeLessThan(1e-4);
      expect(maxDiff(again.embedding, ts.embedding)).toBeLessThan(1e-4);
      expect(Math.max(...ts.logits.map(Math.abs))).toBeGreaterThan(1e-3); // not a trivially zero output
      model.dispose();
      back.dispose();
    });
  }

  it('MAE on vit_1d: equal reconstructions and embeddings both ways', () => {
    const dir = tempDir('torch-rt-mae');
    const modelOptions = { ...TINY.vit_1d, seed: 5 };
    const mae: MaeModel = createMae({ modelOptions });
    const bundle = join(dir, 'ts-bundle');
    saveBundle(bundle, bundleMeta({ task: 'pretrain-mae', model: mae.encoder, modelOptions, normalisation: 'zscore-per-lead', seed: 5, config: {}, method: mae.settings }), mae.state);
    const x = input(12);
    const masks = Array.from({ length: N }, (_, i) => randomPatchMask(mae.encoder.vit.tokens, 0.75, 100 + i));
    const ts = tf.tidy(() => mae.predict(tf.tensor3d(x, [N, 12, 1000]), masks).dataSync() as Float32Array);
    const emb = outputs(mae.encoder, x).embedding;
    const order = Float32Array.from(masks.flatMap((m) => Array.from(m.order)));
    const hidden = Float32Array.from(masks.flatMap((m) => Array.from(m.mask)));
    const tokens = mae.encoder.vit.tokens;
    const { out, state } = peer(
      dir,
      bundle,
      new Map([
        ['x', { shape: [N, 12, 1000], values: x }],
        ['order', { shape: [N, tokens], values: order }],
        ['hidden', { shape: [N, tokens], values: hidden }],
      ]),
    );
    expect(maxDiff(out.get('reconstruction')!, ts)).toBeLessThan(1e-4);
    expect(maxDiff(out.get('embedding')!, emb)).toBeLessThan(1e-4);
    importTorchCheckpoint(state, join(dir, 'back'));
    const loaded = readBundle(join(dir, 'back'));
    expect(loaded.json.task).toBe('pretrain-mae');
    const back = sslMethodFor(loaded.json) as MaeModel;
    assignWeights(back.state, loaded.weights);
    const again = tf.tidy(() => back.predict(tf.tensor3d(x, [N, 12, 1000]), masks).dataSync() as Float32Array);
    expect(maxDiff(again, ts)).toBeLessThan(1e-4);
    mae.dispose();
    back.dispose();
  });
});
