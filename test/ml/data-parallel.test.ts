// The one training loop's data-parallel step: this thread's replica and a worker thread (its own
// WASM backend) each take half of the batch. Without BatchNorm (vit_1d, MAE) the update equals one
// replica's on the whole batch; with it (resnet18_1d) the gradient equals accumulation over the two
// halves and the running statistics follow the whole batch; SimCLR's NT-Xent takes its negatives
// from the whole batch (embeddings gathered), not per half. Replicas stay identical. Workers run the
// compiled build (npm run build).
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend } from '../../src/main/ml/backend.js';
import { createModel, type BatchNormUpdate, type ModelName } from '../../src/main/ml/models/index.js';
import { randomBatch } from '../../src/main/ml/bench.js';
import { combineStats, DataParallelTrainer } from '../../src/main/ml/parallel/data-parallel.js';
import { createSslMethod, ntXent } from '../../src/main/ml/ssl/index.js';
import { Adam } from '../../src/main/ml/train/adam.js';
import { Replica, gradientStep } from '../../src/main/ml/train/replica.js';
import { buildTask, type TaskSpec } from '../../src/main/ml/train/task.js';
import { relError } from './rel-error.js';

const OPTIONS = { width: 0.0625, depth: 0.25, samples: 100, seed: 5 };

beforeAll(async () => {
  await chooseBackend({ prefer: 'wasm', env: {} });
});

const supervised = (model: ModelName): TaskSpec => ({ kind: 'supervised', mode: 'finetune', model, modelOptions: OPTIONS, seed: 1, normalisation: 'none', adam: { weightDecay: 1e-2 } });

function replicaOf(spec: TaskSpec): Replica {
  return new Replica(buildTask(spec), new Adam(spec.adam));
}

function batchOf(n: number, seed: number): Float32Array[] {
  const { x, y } = randomBatch(n, 12, 100, 24, seed);
  const out = [x.dataSync() as Float32Array, y.dataSync() as Float32Array];
  tf.dispose([x, y]);
  return out;
}

async function expectReplicasEqual(dp: DataParallelTrainer): Promise<void> {
  const own = dp.local.state();
  const [other] = await dp.remoteStates();
  for (const [name, values] of own.values) expect(other.values.get(name), name).toEqual(values);
  for (const [name, values] of own.optimizer) expect(other.optimizer.get(name), name).toEqual(values);
}

describe('data-parallel training on two replicas', () => {
  it('vit_1d: two steps on two replicas equal two on one; replicas stay equal', async () => {
    const dp = await DataParallelTrainer.open(replicaOf(supervised('vit_1d')), 2);
    const ref = replicaOf(supervised('vit_1d'));
    try {
      expect(dp.workers).toBe(2);
      for (let step = 0; step < 2; step++) {
        const inputs = batchOf(4, 11 + step);
        const want = ref.step(inputs, 4, step, 1e-3, 2);
        const got = await dp.step(inputs, 4, step, 1e-3, 2);
        expect(got).toBeCloseTo(want, 5);
      }
      const a = dp.local.state().values;
      const b = ref.state().values;
      for (const [name, values] of b) expect(relError(a.get(name)!, values), name).toBeLessThan(1e-4);
      await expectReplicasEqual(dp);
    } finally {
      await dp.close();
      dp.local.dispose();
      ref.dispose();
    }
  });

  it('resnet18_1d: gradient equals accumulation over the two halves; running statistics follow the whole batch', async () => {
    const dp = await DataParallelTrainer.open(replicaOf(supervised('resnet18_1d')), 2);
    const ref = replicaOf(supervised('resnet18_1d'));
    const model = ref.task.model;
    try {
      const inputs = batchOf(4, 12);
      const half = (a: number) => inputs.map((arr) => arr.slice((a * arr.length) / 4, ((a + 2) * arr.length) / 4));
      const [g0, g1] = [0, 2].map((a) => ref.gradients(half(a), 2, { step: 0, first: a }).grads);
      const want = g0.map((v, i) => (v + g1[i]) / 2);
      const whole: BatchNormUpdate[] = [];
      tf.dispose(model.apply(tf.tensor3d(inputs[0], [4, 12, 100]), { training: true, updates: whole }));
      const stemMean = whole[0].mean.dataSync();
      const stemVar = whole[0].variance.dataSync();
      const count = whole[0].count;

      await dp.step(inputs, 4, 0, 1e-3, 1);
      expect(relError(dp.lastGradients!, want)).toBeLessThan(1e-4);
      const w = dp.local.state().values;
      Array.from(stemMean).forEach((m, k) => expect(w.get('1.running_mean')![k]).toBeCloseTo(0.1 * m, 5));
      Array.from(stemVar).forEach((v, k) => expect(w.get('1.running_var')![k]).toBeCloseTo(0.9 + 0.1 * v * (count / (count - 1)), 4));
      await expectReplicasEqual(dp);
      tf.dispose(whole.flatMap((u) => [u.mean, u.variance]));
    } finally {
      await dp.close();
      dp.local.dispose();
      ref.dispose();
    }
  });

  it('SimCLR: the loss is NT-Xent over the whole batch (negatives from both halves), and so is the update', async () => {
    const spec: TaskSpec = { kind: 'ssl', method: 'simclr', options: { model: 'resnet18_1d', modelOptions: OPTIONS }, seed: 3, normalisation: 'zscore-per-lead', adam: { weightDecay: 1e-6 } };
    const dp = await DataParallelTrainer.open(replicaOf(spec), 2);
    // The reference: one thread, each half embedded with its own BatchNorm statistics (as the
    // replicas do), NT-Xent over all four records' embeddings.
    const method = createSslMethod('simclr', spec.options);
    const adam = new Adam(spec.adam);
    try {
      const raw = batchOf(4, 14)[0];
      const inputs = dp.local.task.prepare(raw, 4, 0);
      const half = (a: number) => inputs.map((arr) => arr.slice((a * arr.length) / 4, ((a + 2) * arr.length) / 4));
      const want = gradientStep(
        method.trainable,
        (updates) => {
          const [a, b] = [0, 2].map((first) => method.coupled!.embed(half(first), 2, { step: 0, seed: 3, first, updates }));
          return ntXent(tf.concat([a[0], b[0]]) as tf.Tensor2D, tf.concat([a[1], b[1]]) as tf.Tensor2D, 0.1);
        },
        adam,
        1e-3,
      );
      // Per-half NT-Xent (each record's negatives from its own half only) is a different number.
      const perHalf = tf.tidy(() => [0, 2].map((first) => method.coupled!.loss(method.coupled!.embed(half(first), 2, { step: 0, seed: 3, first, updates: [] })).dataSync()[0]));
      const got = await dp.step(inputs, 4, 0, 1e-3, 1);
      expect(got).toBeCloseTo(want, 4);
      expect(Math.abs((perHalf[0] + perHalf[1]) / 2 - want)).toBeGreaterThan(1e-2);
      const weights = dp.local.state().values;
      for (const [name, v] of method.trainable) expect(relError(weights.get(name)!, v.dataSync()), name).toBeLessThan(1e-4);
      await expectReplicasEqual(dp);
    } finally {
      await dp.close();
      dp.local.dispose();
      method.dispose();
      adam.dispose();
    }
  });

  it('MAE (no BatchNorm): masks drawn by record, so two replicas give one replica\'s loss and gradient', async () => {
    const spec: TaskSpec = { kind: 'ssl', method: 'mae', options: { model: 'vit_1d', modelOptions: { ...OPTIONS, samples: 1000, width: 0.0625, depth: 1 / 6 } }, seed: 3, normalisation: 'zscore-per-lead', adam: { weightDecay: 0.05, beta2: 0.95 } };
    const dp = await DataParallelTrainer.open(replicaOf(spec), 2);
    const ref = replicaOf(spec);
    try {
      const { x } = randomBatch(4, 12, 1000, 24, 15);
      const inputs = ref.task.prepare(x.dataSync() as Float32Array, 4, 0);
      x.dispose();
      const want = ref.gradients(inputs, 4, { step: 0, first: 0 });
      const got = await dp.step(inputs, 4, 0, 1e-3, 1);
      expect(got).toBeCloseTo(want.loss, 5);
      // Gradients, not weights: Adam's first step divides by |g|, so near-zero gradients amplify rounding.
      expect(relError(dp.lastGradients!, want.grads)).toBeLessThan(1e-4);
      await expectReplicasEqual(dp);
    } finally {
      await dp.close();
      dp.local.dispose();
      ref.dispose();
    }
  });

  it('inference: the replicas, each on a share of an odd batch, give this thread\'s logits in order', async () => {
    const dp = await DataParallelTrainer.open(replicaOf(supervised('resnet18_1d')), 2);
    const ref = createModel('resnet18_1d', OPTIONS);
    try {
      const { x } = randomBatch(5, 12, 100, 24, 13);
      const want = tf.tidy(() => ref.apply(x, { training: false }).dataSync() as Float32Array);
      const got = await dp.infer(x.dataSync() as Float32Array, 5);
      expect(got.length).toBe(5 * 24);
      expect(relError(got, want)).toBeLessThan(1e-5);
      x.dispose();
    } finally {
      await dp.close();
      dp.local.dispose();
      ref.dispose();
    }
  });

  it('combineStats gives the mean and variance of the union', () => {
    const a = [1, 2, 3];
    const b = [10, 20];
    const stat = (v: number[]) => {
      const m = v.reduce((s, t) => s + t, 0) / v.length;
      return { mean: Float32Array.of(m), variance: Float32Array.of(v.reduce((s, t) => s + (t - m) ** 2, 0) / v.length), count: v.length };
    };
    const [c] = combineStats([[stat(a)], [stat(b)]]);
    const all = stat([...a, ...b]);
    expect(c.count).toBe(5);
    expect(c.mean[0]).toBeCloseTo(all.mean[0], 5);
    expect(c.variance[0]).toBeCloseTo(all.variance[0], 4);
  });
});
