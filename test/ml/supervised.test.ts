// Supervised training on real records and their CinC labels: a linear probe moves only the head
// (the backbone stays as pre-trained), fine-tuning moves everything and starts from the pre-trained
// encoder; progress events carry step, epoch, loss, lr and samples/s; tensor memory stays flat
// over a run and returns to where it was once the run is disposed.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend } from '../../src/main/ml/backend.js';
import { readBundle } from '../../src/main/ml/bundle.js';
import type { SslKind } from '../../src/main/ml/ssl/index.js';
import { arraySource, labelledArraySource } from '../../src/main/ml/train/data.js';
import type { ProgressEvent } from '../../src/main/ml/train/loop.js';
import { trainSsl } from '../../src/main/ml/train/ssl.js';
import { trainSupervised, type SupervisedMode } from '../../src/main/ml/train/supervised.js';
import { tempDir } from '../temp.js';
import { realRecords } from './real-records.js';


let records: Float32Array;
let labels: Float32Array;
let pretrained: string;
const TINY = { width: 0.0625, depth: 0.25 };

beforeAll(async () => {
  await chooseBackend({ prefer: 'wasm', env: {} });
  ({ data: records, labels } = await realRecords(8));
  const run = await trainSsl({ method: 'simclr', model: 'resnet18_1d', modelOptions: TINY, steps: 2, batchSize: 4 }, arraySource(records, 8));
  pretrained = join(tempDir('ml-sup'), 'simclr');
  run.save(pretrained);
  run.save(pretrained); // saving over a bundle replaces it and leaves no temporary folder
  run.method.dispose();
});

describe('linear probe and fine-tuning', () => {
  it('the labels are real: the 8 records carry some of the 24 classes', () => {
    expect(labels.reduce((s, v) => s + v, 0)).toBeGreaterThanOrEqual(8);
    expect(readdirSync(join(pretrained, '..'))).toEqual(['simclr']);
  });

  for (const mode of ['probe', 'finetune'] as SupervisedMode[]) {
    it(`${mode}: BCE falls, progress events are reported, ${mode === 'probe' ? 'only the head moves' : 'the backbone moves too'}`, async () => {
      const { weights } = readBundle(pretrained);
      const events: ProgressEvent[] = [];
      const run = await trainSupervised({ mode, init: pretrained, steps: 20, batchSize: 4, learningRate: mode === 'probe' ? 5e-2 : 3e-3, schedule: 'constant', seed: 3 }, labelledArraySource(records, labels, 8), {
        onProgress: (e) => events.push(e),
      });
      const { model, losses } = run;
      expect(events.map((e) => e.step)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(events[19].epoch).toBe(10); // 20 steps x 4 records over 8 records
      expect(events[0].lr).toBe(mode === 'probe' ? 5e-2 : 3e-3);
      expect(events.every((e) => e.samplesPerSecond > 0 && e.loss === losses[e.step - 1])).toBe(true);
      expect(losses[19]).toBeLessThan(losses[0] * 0.7);
      const head = new Set(model.headNames);
      let bodyMoved = 0;
      for (const [name, v] of model.params) {
        if (head.has(name)) continue;
        const before = weights.get(`encoder.${name}`)!.values;
        const now = v.dataSync();
        bodyMoved = Math.max(bodyMoved, ...Array.from(now, (x, i) => Math.abs(x - before[i])));
      }
      if (mode === 'probe') expect(bodyMoved).toBe(0);
      else expect(bodyMoved).toBeGreaterThan(1e-4);
      model.dispose();
    });
  }
});

describe('memory stays flat', () => {
  const runs: { name: string; start: () => Promise<{ dispose: () => void }>; counts: number[] }[] = [];
  for (const method of ['simclr', 'byol', 'mae'] as SslKind[]) {
    const counts: number[] = [];
    runs.push({
      name: method,
      counts,
      start: async () => {
        const run = await trainSsl(
          { method, modelOptions: method === 'mae' ? { width: 0.0625, depth: 1 / 12 } : TINY, model: method === 'mae' ? 'vit_1d' : 'resnet18_1d', steps: 8, batchSize: 2 },
          arraySource(records, 8),
          { onProgress: () => counts.push(tf.memory().numTensors) },
        );
        return run.method;
      },
    });
  }
  for (const mode of ['probe', 'finetune'] as SupervisedMode[]) {
    const counts: number[] = [];
    runs.push({
      name: mode,
      counts,
      start: async () => (await trainSupervised({ mode, model: 'resnet18_1d', modelOptions: TINY, steps: 8, batchSize: 2 }, labelledArraySource(records, labels, 8), { onProgress: () => counts.push(tf.memory().numTensors) })).model,
    });
  }
  for (const r of runs) {
    it(`${r.name}: as many tensors after 8 steps as after 1, none left after dispose`, async () => {
      const before = tf.memory().numTensors;
      const trained = await r.start();
      expect(r.counts.length).toBe(8);
      expect(new Set(r.counts).size).toBe(1);
      trained.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
