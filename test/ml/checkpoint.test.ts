// Checkpoints and resume: a run interrupted after 3 of 6 steps and resumed from its checkpoint
// gives the same losses and the same final weights as 6 steps straight (BYOL: weights, Adam
// moments, EMA target and BatchNorm statistics all restored; fine-tuning likewise). Damaged
// newest checkpoints are skipped; old ones pruned.
import { readdirSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../src/main/ml/backend.js';
import { latestCheckpoint, listCheckpoints } from '../../src/main/ml/checkpoint.js';
import { arraySource, labelledArraySource } from '../../src/main/ml/train/data.js';
import type { TrainEvents } from '../../src/main/ml/train/loop.js';
import { trainSsl, type SslTrainConfig } from '../../src/main/ml/train/ssl.js';
import { trainSupervised, type SupervisedConfig } from '../../src/main/ml/train/supervised.js';
import type * as tf from '@tensorflow/tfjs-core';
import { tempDir } from '../temp.js';
import { realRecords } from './real-records.js';


let records: Float32Array;
let labels: Float32Array;

beforeAll(async () => {
  await chooseBackend({ prefer: 'wasm', env: {} });
  ({ data: records, labels } = await realRecords(6));
});

function snapshot(vars: ReadonlyMap<string, tf.Variable>): Map<string, Float32Array> {
  return new Map([...vars].map(([k, v]) => [k, Float32Array.from(v.dataSync())]));
}

/** Stops the run after `after` steps, as a user's cancel would. */
function stopAfter(after: number): TrainEvents {
  const controller = new AbortController();
  return { signal: controller.signal, onProgress: (e) => (e.step === after ? controller.abort() : undefined) };
}

function expectSameWeights(a: Map<string, Float32Array>, b: Map<string, Float32Array>): void {
  expect([...b.keys()]).toEqual([...a.keys()]);
  for (const [k, v] of a) {
    const w = b.get(k)!;
    let diff = 0;
    v.forEach((x, i) => (diff = Math.max(diff, Math.abs(x - w[i]))));
    expect(diff, k).toBeLessThan(1e-6);
  }
}

describe('resume continues the run exactly', () => {
  it('BYOL: 6 steps straight = 3 steps, stop, resume, 3 more', async () => {
    const base: SslTrainConfig = {
      method: 'byol',
      model: 'resnet18_1d',
      modelOptions: { width: 0.0625, depth: 0.25 },
      steps: 6,
      batchSize: 4,
      learningRate: 3e-3,
      warmupSteps: 2,
      schedule: 'cosine',
      seed: 4,
    };
    const straight = await trainSsl({ ...base, checkpoint: { dir: tempDir('ml-straight'), every: 3 } }, arraySource(records, 6, 2));
    const want = snapshot(straight.method.state);
    straight.method.dispose();

    const dir = tempDir('ml-resume');
    const first = await trainSsl({ ...base, checkpoint: { dir, every: 0 } }, arraySource(records, 6, 2), stopAfter(3));
    expect(first.stopped).toBe(true);
    expect(first.endStep).toBe(3);
    first.method.dispose();
    expect(listCheckpoints(dir).map((c) => c.step)).toEqual([3]);

    const second = await trainSsl({ ...base, checkpoint: { dir, every: 0 }, resume: true }, arraySource(records, 6, 2));
    expect(second.startStep).toBe(3);
    expect(second.endStep).toBe(6);
    const got = snapshot(second.method.state);
    second.method.dispose();

    const losses = [...first.losses, ...second.losses];
    expect(losses.length).toBe(6);
    losses.forEach((l, i) => expect(l).toBeCloseTo(straight.losses[i], 5));
    expect([...got.keys()].some((k) => k.startsWith('target.'))).toBe(true);
    expectSameWeights(want, got);
  });

  it('fine-tuning: 6 steps straight = 3 + resume + 3; a run that has finished resumes to nothing', async () => {
    const base: SupervisedConfig = { mode: 'finetune', model: 'resnet18_1d', modelOptions: { width: 0.0625, depth: 0.25 }, steps: 6, batchSize: 3, learningRate: 1e-3, seed: 2, augment: { noise: { p: 0.5 } } };
    const data = () => labelledArraySource(records, labels, 6, 3);
    const straight = await trainSupervised(base, data());
    const want = snapshot(new Map([...straight.model.params, ...straight.model.buffers]));
    straight.model.dispose();

    const dir = tempDir('ml-ft');
    const first = await trainSupervised({ ...base, checkpoint: { dir, every: 3 } }, data(), stopAfter(3));
    first.model.dispose();
    const second = await trainSupervised({ ...base, checkpoint: { dir, every: 3 }, resume: true }, data());
    const got = snapshot(new Map([...second.model.params, ...second.model.buffers]));
    second.model.dispose();
    [...first.losses, ...second.losses].forEach((l, i) => expect(l).toBeCloseTo(straight.losses[i], 5));
    expectSameWeights(want, got);

    const again = await trainSupervised({ ...base, checkpoint: { dir, every: 3 }, resume: true }, data());
    expect(again.losses).toEqual([]);
    expect(again.startStep).toBe(6);
    again.model.dispose();
  });
});

describe('checkpoint folders', () => {
  it('every N steps and at the end, keeping the newest two; a damaged newest one is skipped', async () => {
    const dir = tempDir('ml-ckpt');
    const seen: number[] = [];
    const run = await trainSupervised(
      { mode: 'probe', model: 'vit_1d', modelOptions: { width: 0.0625, depth: 1 / 12 }, steps: 5, batchSize: 2, checkpoint: { dir, every: 2 } },
      labelledArraySource(records, labels, 6),
      { onCheckpoint: (_, step) => seen.push(step) },
    );
    run.model.dispose();
    expect(seen).toEqual([2, 4, 5]);
    // Beside the step folders: the run's kernel-routes.json where a routed kernel ran (docs/kernels.md).
    expect(readdirSync(dir).filter((n) => n !== 'kernel-routes.json').sort()).toEqual(['step-00000004', 'step-00000005']);
    expect(latestCheckpoint(dir)!.bundle.training!.step).toBe(5);
    truncateSync(join(dir, 'step-00000005', 'weights.bin'), 100);
    const found = latestCheckpoint(dir)!;
    expect(found.bundle.training!.step).toBe(4);
    expect(found.skipped[0]).toMatch(/weights\.bin: 100 bytes, bundle\.json says \d+/);
  });
});
