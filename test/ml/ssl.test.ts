// Each self-supervised loss falls on a small batch of real records (canonical 12 x 1000), with
// tiny backbones on the WASM backend; the pieces of each loss are checked against hand-computed values.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend } from '../../src/main/ml/backend.js';
import { byolPairLoss, momentumAt, ntXent, randomPatchMask, type SslKind } from '../../src/main/ml/ssl/index.js';
import { arraySource } from '../../src/main/ml/train/data.js';
import { trainSsl, type SslTrainConfig } from '../../src/main/ml/train/ssl.js';
import { realRecords } from './real-records.js';

let records: Float32Array;

beforeAll(async () => {
  await chooseBackend({ prefer: 'wasm', env: {} });
  records = (await realRecords(8)).data;
});

const TINY = { width: 0.0625, depth: 0.25 };

const RUNS: Record<SslKind, Partial<SslTrainConfig>> = {
  simclr: { model: 'resnet18_1d', learningRate: 3e-3 },
  byol: { model: 'resnet18_1d', learningRate: 3e-3 },
  mae: { model: 'vit_1d', learningRate: 3e-3, modelOptions: { width: 0.0625, depth: 1 / 6 } },
};

describe('pre-training losses fall on real records', () => {
  for (const method of ['simclr', 'byol', 'mae'] as const) {
    it(method, async () => {
      const steps = 30;
      const times: number[] = [];
      const run = await trainSsl(
        { method, steps, batchSize: 4, schedule: 'constant', seed: 3, modelOptions: TINY, ...RUNS[method] },
        arraySource(records, 8, 5),
        { onProgress: (e) => times.push(4 / e.samplesPerSecond) },
      );
      const { losses } = run;
      run.method.dispose();
      expect(losses.length).toBe(steps);
      expect(losses.every(Number.isFinite)).toBe(true);
      const first = (losses[0] + losses[1] + losses[2]) / 3;
      const last = (losses[steps - 1] + losses[steps - 2] + losses[steps - 3]) / 3;
      console.log(`${method}: loss ${first.toFixed(4)} -> ${last.toFixed(4)}, median ${(times.sort((a, b) => a - b)[times.length >> 1] * 1000).toFixed(1)} ms/step (batch 4)`);
      expect(last).toBeLessThan(first * 0.8);
    });
  }
});

describe('the pieces of each loss, by hand', () => {
  it('NT-Xent of two orthogonal pairs at tau 1 is log(2 + e) - 1', () => {
    const z = tf.tensor2d([1, 0, 0, 1], [2, 2]);
    const loss = ntXent(z, z, 1);
    expect(loss.dataSync()[0]).toBeCloseTo(Math.log(2 + Math.E) - 1, 5);
    // A lower temperature sharpens: identical views of distinct records give a loss near 0.
    const sharp = ntXent(z, z, 0.05);
    expect(sharp.dataSync()[0]).toBeLessThan(1e-6);
    tf.dispose([z, loss, sharp]);
  });

  it('BYOL pair loss is 2 - 2 cos: 2 for orthogonal, 0 for parallel rows', () => {
    const p = tf.tensor2d([1, 0, 1, 1], [2, 2]);
    const z = tf.tensor2d([0, 1, 2, 2], [2, 2]);
    const loss = byolPairLoss(p, z);
    expect(loss.dataSync()[0]).toBeCloseTo(1, 5);
    tf.dispose([p, z, loss]);
  });

  it('BYOL momentum: constant 0.996, or cosine from 0.996 to 1', () => {
    expect(momentumAt(0.996, 'constant', 50, 100)).toBe(0.996);
    expect(momentumAt(0.996, 'cosine', 0, 100)).toBeCloseTo(0.996, 9);
    expect(momentumAt(0.996, 'cosine', 50, 100)).toBeCloseTo(0.998, 9);
    expect(momentumAt(0.996, 'cosine', 100, 100)).toBeCloseTo(1, 9);
  });

  it('MAE mask: 75% of 40 patches hidden, seeded, visible ones first in time order', () => {
    const m = randomPatchMask(40, 0.75, 11);
    expect(m.keep).toBe(10);
    expect(m.mask.reduce((s, v) => s + v, 0)).toBe(30);
    const visible = Array.from(m.order.subarray(0, 10));
    expect(visible).toEqual([...visible].sort((a, b) => a - b));
    visible.forEach((v) => expect(m.mask[v]).toBe(0));
    expect(randomPatchMask(40, 0.75, 11).mask).toEqual(m.mask);
    expect(randomPatchMask(40, 0.75, 12).mask).not.toEqual(m.mask);
  });
});
