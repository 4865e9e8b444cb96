// Two worker_threads, each with its own WASM backend, train one model: the averaged gradient
// equals a single process's (whole batch for vit_1d; the same two sub-batches accumulated for
// resnet18_1d, whose BatchNorm normalises per worker), the running statistics follow the whole
// batch, and the replicas stay identical; inference split over the workers gives this thread's
// logits. Workers run the compiled build (npm run build).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend } from '../../src/main/ml/backend.js';
import { createModel, type BatchNormUpdate, type ModelName } from '../../src/main/ml/models/index.js';
import { Trainer } from '../../src/main/ml/train-step.js';
import { randomBatch } from '../../src/main/ml/bench.js';
import { combineStats, DataParallelTrainer } from '../../src/main/ml/parallel/data-parallel.js';
import { relError } from './rel-error.js';

const OPTIONS = { width: 0.0625, depth: 0.25, samples: 100, seed: 5 };

function flat(grads: Map<string, tf.Tensor>): Float32Array {
  return Float32Array.from([...grads.values()].flatMap((g) => Array.from(g.dataSync())));
}

beforeAll(async () => {
  await chooseBackend({ prefer: 'wasm', env: {} });
});

describe('data-parallel training on two workers', () => {
  const open: DataParallelTrainer[] = [];
  afterAll(async () => {
    await Promise.all(open.map((t) => t.close()));
  });

  async function start(model: ModelName): Promise<DataParallelTrainer> {
    const t = await DataParallelTrainer.create({ model, modelOptions: OPTIONS, workers: 2 });
    open.push(t);
    expect(t.backend).toBe('wasm');
    return t;
  }

  it('vit_1d: the averaged gradient is the whole batch gradient; replicas stay equal', async () => {
    const dp = await start('vit_1d');
    const ref = new Trainer(createModel('vit_1d', OPTIONS));
    const { x, y } = randomBatch(4, 12, 100, 24, 11);
    const want = ref.gradients(x, y);
    const loss = await dp.step(x.dataSync() as Float32Array, y.dataSync() as Float32Array, 4);
    expect(loss).toBeCloseTo(want.loss, 5);
    expect(relError(dp.lastGradients!, flat(want.grads))).toBeLessThan(1e-4);
    await dp.step(x.dataSync() as Float32Array, y.dataSync() as Float32Array, 4);
    const [a, b] = await Promise.all([dp.weights(0), dp.weights(1)]);
    for (const [name, values] of a) expect(b.get(name), name).toEqual(values);
    ref.apply(want);
    ref.dispose();
    ref.model.dispose();
    tf.dispose([x, y]);
  });

  it('resnet18_1d: gradient equals accumulation over the two halves; running statistics follow the whole batch', async () => {
    const dp = await start('resnet18_1d');
    const ref = new Trainer(createModel('resnet18_1d', OPTIONS));
    const { x, y } = randomBatch(4, 12, 100, 24, 12);
    const halves = [0, 2].map((a) => ref.gradients(tf.slice(x, [a, 0, 0], [2, 12, 100]), tf.slice(y, [a, 0], [2, 24])));
    const [g0, g1] = halves.map((h) => flat(h.grads));
    const want = g0.map((v, i) => (v + g1[i]) / 2);
    const whole: BatchNormUpdate[] = [];
    tf.dispose(ref.model.apply(x, { training: true, updates: whole }));
    const stemMean = whole[0].mean.dataSync();
    const stemVar = whole[0].variance.dataSync();

    await dp.step(x.dataSync() as Float32Array, y.dataSync() as Float32Array, 4);
    expect(relError(dp.lastGradients!, want)).toBeLessThan(1e-4);
    const w = await dp.weights(0);
    const count = whole[0].count;
    Array.from(stemMean).forEach((m, k) => expect(w.get('1.running_mean')![k]).toBeCloseTo(0.1 * m, 5));
    Array.from(stemVar).forEach((v, k) => expect(w.get('1.running_var')![k]).toBeCloseTo(0.9 + 0.1 * v * (count / (count - 1)), 4));
    halves.forEach((h) => ref.apply(h));
    ref.dispose();
    ref.model.dispose();
    tf.dispose([x, y]);
  });

  it('inference: the replicas, each on a share of an odd batch, give this thread\'s logits in order', async () => {
    const dp = await start('resnet18_1d');
    const ref = createModel('resnet18_1d', OPTIONS);
    const { x } = randomBatch(5, 12, 100, 24, 13);
    const want = tf.tidy(() => ref.apply(x, { training: false }).dataSync() as Float32Array);
    const got = await dp.infer(x.dataSync() as Float32Array, 5);
    expect(got.length).toBe(5 * 24);
    expect(relError(got, want)).toBeLessThan(1e-5);
    ref.dispose();
    tf.dispose(x);
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
