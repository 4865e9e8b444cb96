// BatchNorm's fused training op against autodiff through the textbook formula (what layers.ts
// computed before): output, batch statistics and the gradients for x, gamma and beta agree to
// float32 rounding, on WASM and the CPU backend, for small and odd shapes (one row, one channel,
// rows not a multiple of anything).
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { chooseBackend } from '../../src/main/ml/backend.js';
import { batchNormTrain } from '../../src/main/ml/models/batch-norm-train.js';
import { relError } from './rel-error.js';

const EPS = 1e-5;

function reference(x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D): { y: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor } {
  const mean = tf.mean(x, 0);
  const centred = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centred), 0);
  const scale = tf.mul(gamma, tf.rsqrt(tf.add(variance, EPS)));
  return { y: tf.add(tf.mul(centred, scale), beta), mean, variance };
}

const values = (t: tf.Tensor) => t.dataSync() as Float32Array;

afterAll(async () => {
  await chooseBackend({ prefer: 'wasm', env: {} });
});

describe.each(['wasm', 'cpu'] as const)('batchNormTrain on %s', (backend) => {
  it.each([
    [2, 1],
    [7, 3],
    [33, 5],
    [250, 64],
  ])('%i rows x %i channels: output, statistics and gradients equal autodiff of the formula', async (n, c) => {
    await chooseBackend({ prefer: backend, env: {} });
    expect(tf.getBackend()).toBe(backend);
    tf.tidy(() => {
      // Offset and scaled per channel, so the statistics are not trivial.
      const x = tf.add(tf.mul(tf.randomNormal([n, c], 0, 1, 'float32', n + c), tf.linspace(0.5, 3, c)), tf.linspace(-2, 4, c)) as tf.Tensor2D;
      const gamma = tf.randomUniform([c], 0.5, 1.5, 'float32', 3) as tf.Tensor1D;
      const beta = tf.randomNormal([c], 0, 1, 'float32', 4) as tf.Tensor1D;
      const r = tf.randomNormal([n, c], 0, 1, 'float32', 5);
      const ours = batchNormTrain(x, gamma, beta, EPS);
      const ref = reference(x, gamma, beta);
      expect(relError(values(ours.y), values(ref.y))).toBeLessThan(1e-5);
      expect(relError(values(ours.mean), values(ref.mean))).toBeLessThan(1e-5);
      expect(relError(values(ours.variance), values(ref.variance))).toBeLessThan(1e-5);
      const loss = (f: (a: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D) => tf.Tensor) => (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D), r));
      const got = tf.grads(loss((a, g, b) => {
        const o = batchNormTrain(a, g, b, EPS);
        tf.dispose([o.mean, o.variance]);
        return o.y;
      }))([x, gamma, beta]);
      const want = tf.grads(loss((a, g, b) => reference(a, g, b).y))([x, gamma, beta]);
      ['dx', 'dgamma', 'dbeta'].forEach((name, i) => {
        expect(got[i].shape, name).toEqual(want[i].shape);
        // dx is a difference of nearly equal terms (it sums to zero per channel): compare to its scale.
        expect(relError(values(got[i]), values(want[i])), name).toBeLessThan(n === 2 ? 1e-3 : 1e-4);
      });
      tf.dispose([ours.mean, ours.variance]);
    });
  });

  it('keeps no tensors beyond its outputs and the statistics', async () => {
    await chooseBackend({ prefer: backend, env: {} });
    const x = tf.randomNormal([9, 4], 0, 1, 'float32', 1) as tf.Tensor2D;
    const gamma = tf.ones([4]) as tf.Tensor1D;
    const beta = tf.zeros([4]) as tf.Tensor1D;
    const before = tf.memory().numTensors;
    const { value, grads } = tf.valueAndGrads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const o = batchNormTrain(a as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D, EPS);
      tf.dispose([o.mean, o.variance]);
      return tf.sum(tf.square(o.y)) as tf.Scalar;
    })([x, gamma, beta]);
    expect(grads).toHaveLength(3);
    tf.dispose([value, ...grads]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, gamma, beta]);
  });
});
