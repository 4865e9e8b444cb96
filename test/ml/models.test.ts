// The networks: PyTorch peer's trainable parameter counts (computed with torch from
// shared/bench/torch_peer.py: 8,749,720 / 16,014,488 / 21,435,288), output shapes, BatchNorm's
// train/inference modes, and that a few training steps on WASM lower the loss on a fixed batch.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend } from '../../src/main/ml/backend.js';
import { countParameters, createModel, MODEL_NAMES, applyBatchNormUpdates, type BatchNormUpdate } from '../../src/main/ml/models/index.js';
import { Adam } from '../../src/main/ml/train/adam.js';
import { Replica } from '../../src/main/ml/train/replica.js';
import { supervisedTask } from '../../src/main/ml/train/task.js';
import { randomBatch } from '../../src/main/ml/bench.js';

const PEER_PARAMS = { resnet18_1d: 8_749_720, resnet50_1d: 16_014_488, vit_1d: 21_435_288 } as const;

beforeAll(async () => {
  await chooseBackend({ prefer: 'wasm', env: {} });
});

describe('parameter counts equal the PyTorch peer', () => {
  for (const name of MODEL_NAMES) {
    it(name, () => {
      const m = createModel(name);
      expect(countParameters(m.params)).toBe(PEER_PARAMS[name]);
      m.dispose();
    });
  }

  it('resnet18_1d has 20 BatchNorms with running mean and variance; vit_1d has none', () => {
    const r = createModel('resnet18_1d', { width: 0.125 });
    expect(r.buffers.size).toBe(2 * 20); // stem + 16 block BNs + 3 projection BNs
    r.dispose();
    const v = createModel('vit_1d', { width: 0.125, depth: 1 / 12 });
    expect(v.buffers.size).toBe(0);
    v.dispose();
  });
});

describe('small models', () => {
  const small = { width: 0.0625, depth: 0.5, samples: 200 };

  for (const name of MODEL_NAMES) {
    it(`${name}: logits [batch, 24], embedding [batch, embeddingSize], no leaked tensors`, () => {
      const m = createModel(name, small);
      const { x } = randomBatch(3, 12, 200, 24);
      const before = tf.memory().numTensors;
      const logits = m.apply(x, { training: false });
      const emb = m.apply(x, { training: false, output: 'embedding' });
      expect(logits.shape).toEqual([3, 24]);
      expect(emb.shape).toEqual([3, m.embeddingSize]);
      expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true);
      tf.dispose([logits, emb]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose(x);
      m.dispose();
    });
  }

  it('BatchNorm: training mode uses batch statistics, inference the running ones, and updates follow PyTorch (momentum 0.1, unbiased variance)', () => {
    const m = createModel('resnet18_1d', small);
    const { x } = randomBatch(4, 12, 200, 24);
    const x1 = tf.slice(x, [0, 0, 0], [1, 12, 200]) as tf.Tensor3D;
    // Training mode: a sample's output depends on the rest of the batch; inference mode: it does not.
    const trainAll = m.apply(x, { training: true }).arraySync()[0];
    const trainOne = m.apply(x1, { training: true }).arraySync()[0];
    const inferAll = m.apply(x, { training: false }).arraySync()[0];
    const inferOne = m.apply(x1, { training: false }).arraySync()[0];
    expect(Math.max(...trainAll.map((v, i) => Math.abs(v - trainOne[i])))).toBeGreaterThan(1e-3);
    expect(Math.max(...inferAll.map((v, i) => Math.abs(v - inferOne[i])))).toBeLessThan(1e-5);

    const updates: BatchNormUpdate[] = [];
    tf.dispose(m.apply(x, { training: true, updates }));
    expect(updates.length).toBe(m.buffers.size / 2);
    const stem = updates[0];
    const mean = Array.from(stem.mean.dataSync());
    const variance = Array.from(stem.variance.dataSync());
    const count = stem.count;
    expect(count).toBe(4 * 100); // stride-2 stem: 200 -> 100 samples
    applyBatchNormUpdates(updates);
    const rm = Array.from(m.buffers.get('1.running_mean')!.dataSync());
    const rv = Array.from(m.buffers.get('1.running_var')!.dataSync());
    mean.forEach((v, i) => expect(rm[i]).toBeCloseTo(0.1 * v, 6));
    variance.forEach((v, i) => expect(rv[i]).toBeCloseTo(0.9 + 0.1 * v * (count / (count - 1)), 5));
    tf.dispose([x, x1]);
    m.dispose();
  });

  for (const name of MODEL_NAMES) {
    it(`${name}: Adam steps on WASM lower the loss on a fixed batch`, () => {
      const m = createModel(name, small);
      // The training loop's replica (one worker): our AdamW, plain Adam here (no decay).
      const trainer = new Replica(supervisedTask({ kind: 'supervised', mode: 'finetune', model: name, modelOptions: small, seed: 1, normalisation: 'none', adam: {} }, m), new Adam());
      const { x, y } = randomBatch(4, 12, 200, 24);
      const inputs = [x.dataSync() as Float32Array, y.dataSync() as Float32Array];
      const before = tf.memory().numTensors;
      const losses = Array.from({ length: 6 }, (_, i) => trainer.step(inputs, 4, i, 3e-3, 8));
      expect(losses[0]).toBeGreaterThan(0.3);
      expect(losses[5]).toBeLessThan(losses[0] * 0.9);
      // Optimiser slots are created on the first step; after that the count stays put.
      const afterFirst = tf.memory().numTensors;
      trainer.step(inputs, 4, 6, 3e-3, 8);
      expect(tf.memory().numTensors).toBe(afterFirst);
      expect(afterFirst).toBeGreaterThan(before);
      trainer.dispose();
      tf.dispose([x, y]);
    });
  }
});
