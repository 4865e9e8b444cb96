// results.cluster on cluster run folders: a real metrics.jsonl written by the trainer
// (cluster/openecg_cluster/train.py, one rank, 3 steps on a shard export of the demo workspace;
// skipped with the reason printed when /usr/bin/python3 has no torch), and a metrics.jsonl
// written here in the trainer's format whose last line is cut in the middle, as a reader sees it
// while the trainer writes.
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, parseOutput } from '../../src/shared/api.js';
import { createWorkstationApi, type WorkstationApi } from '../../src/main/api/index.js';
import { exportShards } from '../../src/main/experiments/export/shards.js';
import { python, torchMissing } from '../cluster/python.js';
import { demoWorkspace } from '../experiments/fixtures.js';
import { tempDir } from '../temp.js';

const TINY = {
  name: 'cluster-results-test',
  seeds: [2],
  methods: [{ method: 'byol', backbone: 'resnet18_1d', width: 0.0625, depth: 0.25, options: { projectorHidden: 32, projectorOut: 16 } }],
  pretrain: { steps: 3, batchSize: 8, checkpointEvery: 0 },
  downstream: { protocols: ['probe'], probe: { steps: 2, batchSize: 8 }, finetune: { steps: 2, batchSize: 8 } },
};

let api: WorkstationApi;
beforeAll(() => {
  api = createWorkstationApi({ workspace: tempDir('cluster-results-ws') });
});
afterAll(() => api?.close());

async function rejects(p: Promise<unknown>, code: string, word: RegExp): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  expect((err as ApiError).code).toBe(code);
  expect((err as ApiError).message).toMatch(word);
}

/**
 * Lines exactly as train.py's `metric` writes them (json.dumps of step, total_steps, epoch, loss,
 * lr, seconds, samples_per_s, world_size, in that order, one per line); `loss` may be Python's NaN.
 */
function trainerLine(step: number, total: number, loss: number | 'NaN'): string {
  const l = loss === 'NaN' ? 'NaN' : String(loss);
  return `{"step": ${step}, "total_steps": ${total}, "epoch": ${step / 4}, "loss": ${l}, "lr": 0.001, "seconds": 0.${step}25, "samples_per_s": ${100 + step}.5, "world_size": 2}\n`;
}

describe('results.cluster', () => {
  it('reads a training folder whose last line is still being written, and a NaN loss', async () => {
    const run = tempDir('cluster-results-written');
    const dir = join(run, 'out', 'finetune-m1');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'metrics.jsonl');
    writeFileSync(file, trainerLine(1, 8, 2.5) + trainerLine(2, 8, 'NaN') + trainerLine(3, 8, 1.75));
    appendFileSync(file, trainerLine(4, 8, 1.5).slice(0, 30)); // cut mid-object, no newline yet
    const res = parseOutput('results.cluster', await api.call('results.cluster', { folder: run }));
    expect(res.trainings.map((t) => t.name)).toEqual(['finetune-m1']);
    const t = res.trainings[0];
    expect(t.task).toBe('finetune');
    expect(t.steps).toEqual([1, 2, 3]);
    expect(t.loss).toEqual([2.5, null, 1.75]);
    expect(t.samplesPerSecond).toEqual([101.5, 102.5, 103.5]);
    expect(t.partialLine).toBe(true);
    expect(t.last).toEqual({ step: 3, totalSteps: 8, epoch: 0.75, loss: 1.75, lr: 0.001, seconds: 0.325, samplesPerSecond: 103.5, worldSize: 2 });
    expect(t.checkpoint).toBe(false);
    expect(t.onnx).toEqual([]);
    // The trainer finishes the line: the next read has step 4 and nothing partial.
    appendFileSync(file, trainerLine(4, 8, 1.5).slice(30));
    const again = (await api.call('results.cluster', { folder: dir })).trainings[0];
    expect(again.steps).toEqual([1, 2, 3, 4]);
    expect(again.partialLine).toBe(false);
    expect(again.last?.loss).toBe(1.5);
  });

  it('refuses a folder without metrics.jsonl, a missing folder and bad input', async () => {
    const empty = tempDir('cluster-results-empty');
    mkdirSync(join(empty, 'out', 'pretrain-m0'), { recursive: true });
    await rejects(api.call('results.cluster', { folder: empty }), 'not-found', /no metrics\.jsonl in .*out\/<task>-m<i>/);
    await rejects(api.call('results.cluster', { folder: join(empty, 'nope') }), 'not-found', /no folder/);
    await rejects(api.call('results.cluster', { folder: '' }), 'invalid-input', /folder/);
    await rejects(api.callByName('results.cluster', { folder: empty, extra: 1 }), 'invalid-input', /extra/);
    // A damaged line before the last is an error, not silently dropped.
    const bad = join(empty, 'out', 'pretrain-m0', 'metrics.jsonl');
    writeFileSync(bad, `${trainerLine(1, 2, 1)}{"step": oops\n${trainerLine(2, 2, 0.5)}`);
    await rejects(api.call('results.cluster', { folder: empty }), 'failed', /line 2 is not a metrics line/);
  });

  describe.skipIf(torchMissing !== null)('on a run of the trainer', () => {
    it('gives the steps, losses and checkpoint of a 3-step pretraining run', async () => {
      const ws = await demoWorkspace('cluster-results');
      const shards = tempDir('cluster-results-shards');
      exportShards(ws, shards, { shardSize: 100 });
      const run = tempDir('cluster-results-run');
      const config = join(run, 'tiny.json');
      writeFileSync(config, JSON.stringify(TINY));
      const out = join(run, 'out', 'pretrain-m0');
      python(['-m', 'openecg_cluster.train', '--config', config, '--shards', shards, '--out', out, '--threads', '1', '--task', 'pretrain', '--method-index', '0']);
      const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { step: number; loss: number; lr: number; samples_per_s: number; world_size: number });
      expect(lines.length).toBe(3);
      const res = parseOutput('results.cluster', await api.call('results.cluster', { folder: run }));
      expect(res.trainings.length).toBe(1);
      const t = res.trainings[0];
      expect(t).toMatchObject({ name: 'pretrain-m0', task: 'pretrain', partialLine: false, checkpoint: true });
      expect(t.steps).toEqual([1, 2, 3]);
      expect(t.loss).toEqual(lines.map((l) => l.loss));
      expect(t.lr).toEqual(lines.map((l) => l.lr));
      expect(t.samplesPerSecond).toEqual(lines.map((l) => l.samples_per_s));
      expect(t.last?.step).toBe(3);
      expect(t.last?.totalSteps).toBe(3);
      expect(t.last?.worldSize).toBe(1);
      // The trainer exports encoder.onnx beside the final checkpoint of a pretraining run.
      expect(t.onnx).toContain('encoder.onnx');
    }, 180_000);
  });
});
