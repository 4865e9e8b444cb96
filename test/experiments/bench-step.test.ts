// The bench and an experiment step train the same way: from the same seed, weights and batch, one
// `openecg bench train` step (ml/bench.ts) and one step of an experiment's fine-tuning from random
// weights (the scratch baseline's configuration, experiments/steps.ts) give the same weights.
// Real TensorFlow.js (WASM), a small resnet18_1d.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../src/main/ml/backend.js';
import { benchSource, benchTraining } from '../../src/main/ml/bench.js';
import { trainSupervised } from '../../src/main/ml/train/supervised.js';
import { downstreamTrainConfig } from '../../src/main/experiments/steps.js';

const dir = mkdtempSync(join(tmpdir(), 'openecg-bench-step-'));

beforeAll(async () => {
  await chooseBackend({ prefer: 'wasm', env: {} });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bench step = experiment step', () => {
  it('one bench training step and one scratch fine-tuning step end with equal weights', async () => {
    const net = { model: 'resnet18_1d' as const, batch: 4, samples: 1000, width: 0.0625, depth: 0.25 };
    const bench = await benchTraining({ mode: 'train', ...net, steps: 1, workers: 1 }, false);
    expect(bench.timesMs.length).toBe(1);
    const config = downstreamTrainConfig({
      mode: 'finetune',
      init: null,
      backbone: { model: net.model, width: net.width, depth: net.depth },
      budget: { steps: 1, batchSize: net.batch, workers: 1 },
      steps: 1,
      seed: 1,
      checkpointDir: join(dir, 'ckpt'),
      checkpointEvery: 0,
      dataSnapshot: 'bench',
    });
    const step = await trainSupervised(config, benchSource(net.batch, net.samples));
    try {
      expect(step.losses).toEqual(bench.run.losses);
      const a = new Map([...bench.run.model.params, ...bench.run.model.buffers]);
      const b = new Map([...step.model.params, ...step.model.buffers]);
      expect([...b.keys()]).toEqual([...a.keys()]);
      for (const [name, v] of a) expect(Array.from(b.get(name)!.dataSync()), name).toEqual(Array.from(v.dataSync()));
      // And the step did move them (a test of equal untouched weights would prove nothing).
      const fresh = await benchTraining({ mode: 'train', ...net, steps: 0, workers: 1 }, false);
      const before = fresh.run.model.params;
      expect([...before.keys()].every((name) => a.has(name))).toBe(true);
      const moved = [...before].filter(([name, v]) => Array.from(v.dataSync()).some((x, i) => x !== a.get(name)!.dataSync()[i]));
      expect(moved.length).toBeGreaterThan(before.size / 2);
      fresh.run.model.dispose();
    } finally {
      bench.run.model.dispose();
      step.model.dispose();
    }
  });
});
