// The config's engine / inference split (pre-issue-21 configs keep their meaning), the choice of
// `auto` against this machine's real Python, the message without torch, the metrics tail and the
// trainer's failure reasons.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExperimentConfig } from '../../src/main/experiments/config.js';
import { MetricsTail, lossCurve, readMetrics } from '../../src/main/experiments/engines/metrics-tail.js';
import { chooseTrainingEngine, probeTorch, torchVersionOk } from '../../src/main/experiments/engines/select.js';
import { failureReason, TorchEngine } from '../../src/main/experiments/engines/torch.js';
import { TrainerFailed } from '../../src/main/experiments/engines/types.js';
import { torchMissing } from '../cluster/python.js';

const base = { name: 'x', methods: [{ method: 'simclr' }], pretrain: { steps: 1, batchSize: 2 }, downstream: { probe: { steps: 1, batchSize: 2 } }, baselines: { scratch: false } };
const dir = mkdtempSync(join(tmpdir(), 'openecg-engines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('config: engine (training) and inference', () => {
  it('a new config names both; the defaults are tfjs training and auto inference', () => {
    expect(parseExperimentConfig(base)).toMatchObject({ engine: 'tfjs', inference: 'auto' });
    expect(parseExperimentConfig({ ...base, engine: 'torch', inference: 'ort' })).toMatchObject({ engine: 'torch', inference: 'ort' });
    expect(parseExperimentConfig({ ...base, engine: 'auto', inference: 'tfjs' })).toMatchObject({ engine: 'auto', inference: 'tfjs' });
  });

  it('a config without `inference` is pre-issue-21: its engine is the inference engine and training is tfjs', () => {
    expect(parseExperimentConfig({ ...base, engine: 'ort' })).toMatchObject({ engine: 'tfjs', inference: 'ort' });
    expect(parseExperimentConfig({ ...base, engine: 'auto' })).toMatchObject({ engine: 'tfjs', inference: 'auto' });
    // Values only a training engine can have are read as such.
    expect(parseExperimentConfig({ ...base, engine: 'slurm' })).toMatchObject({ engine: 'slurm', inference: 'auto' });
    // A parsed config (as stored in run.json and job parameters) parses to itself.
    const once = parseExperimentConfig({ ...base, engine: 'ort' });
    expect(parseExperimentConfig(once)).toEqual(once);
  });

  it('bad values name the field', () => {
    expect(() => parseExperimentConfig({ ...base, engine: 'jax', inference: 'auto' })).toThrow(/engine/);
    expect(() => parseExperimentConfig({ ...base, inference: 'torch' })).toThrow(/inference/);
  });
});

describe('choosing the engine', () => {
  it('torch versions: 1.13 and later', () => {
    expect(torchVersionOk('1.13.0a0')).toBe(true);
    expect(torchVersionOk('2.1.0+cu121')).toBe(true);
    expect(torchVersionOk('1.12.1')).toBe(false);
    expect(torchVersionOk('garbage')).toBe(false);
  });

  it.skipIf(torchMissing)('auto picks torch here and says why', async () => {
    const c = await chooseTrainingEngine('auto', '/usr/bin/python3');
    expect(c.name).toBe('torch');
    expect(c.reason).toMatch(/^auto: \/usr\/bin\/python3 imports torch \d+\.\d+\S*: (CPU \(no CUDA device\), \d+ cores|CUDA \(.+\))$/);
  }, 120_000);

  it('without torch (OPENECG_PYTHON=/bin/false): auto falls back to tfjs saying why, torch refuses with the fix', async () => {
    const p = await probeTorch('/bin/false');
    expect(p.ok).toBe(false);
    expect(p.reason).toBe('/bin/false cannot import torch: exited with code 1 and no message; install python3-torch (apt-get install python3-torch) or point OPENECG_PYTHON at a Python that has torch >= 1.13');
    const auto = await chooseTrainingEngine('auto', '/bin/false');
    expect(auto.name).toBe('tfjs');
    expect(auto.reason).toMatch(/^auto: TensorFlow\.js, because \/bin\/false cannot import torch/);
    await expect(chooseTrainingEngine('torch', '/bin/false')).rejects.toThrow(/^engine torch: \/bin\/false cannot import torch: .*apt-get install python3-torch/);
    expect((await probeTorch(join(dir, 'no-python'))).reason).toMatch(/no-python cannot import torch: no such program/);
    // The engine itself refuses the same way, before starting anything.
    const err = await new TorchEngine({ python: '/bin/false' }).start({ name: 'pre-x', task: 'pretrain', config: 'c.json', shards: dir, out: join(dir, 'out') }, { onMetric: () => {}, log: () => {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainerFailed);
    expect((err as Error).message).toMatch(/^pre-x: engine torch: \/bin\/false cannot import torch/);
  });

  it('a python without torch module: the reason names the module', async () => {
    const fake = join(dir, 'python-without-torch');
    writeFileSync(fake, '#!/bin/sh\necho "ModuleNotFoundError: No module named \'torch\'" >&2\nexit 1\n', { mode: 0o755 });
    expect((await probeTorch(fake)).reason).toMatch(/cannot import torch: ModuleNotFoundError: No module named 'torch'; install python3-torch/);
  });
});

describe('the trainer seen from outside', () => {
  const line = (step: number, loss: number) => JSON.stringify({ step, total_steps: 6, epoch: step / 3, loss, lr: 0.001, seconds: 0.01, samples_per_s: 100, world_size: 1 }) + '\n';

  it('metrics.jsonl: complete lines once in step order, a half-written line waits, a trimmed file is reread without repeats', () => {
    const file = join(dir, 'metrics.jsonl');
    const seen: number[] = [];
    const tail = new MetricsTail(file, 0, (m) => seen.push(m.step));
    tail.poll(); // no file yet
    writeFileSync(file, line(1, 0.9) + line(2, 0.8) + line(3, 0.7).slice(0, 20));
    tail.poll();
    expect(seen).toEqual([1, 2]);
    appendFileSync(file, line(3, 0.7).slice(20));
    tail.poll();
    expect(seen).toEqual([1, 2, 3]);
    // A resume from step 2 rewrites the file shorter, then runs step 3 again and goes on.
    writeFileSync(file, line(1, 0.9) + line(2, 0.8));
    tail.poll();
    appendFileSync(file, line(3, 0.7) + line(4, 0.6));
    tail.poll();
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(lossCurve(readMetrics(file))).toEqual([0.9, 0.8, 0.7, 0.6]);
    // A tail started after a checkpoint hands on only later steps.
    const later: number[] = [];
    new MetricsTail(file, 2, (m) => later.push(m.step)).poll();
    expect(later).toEqual([3, 4]);
  });

  it('failure reasons: missing torch, CUDA, killed, a Python error', () => {
    expect(failureReason(1, null, ["ModuleNotFoundError: No module named 'torch'"], '/usr/bin/python3')).toMatch(/^python3-torch is missing: \/usr\/bin\/python3 cannot import torch/);
    expect(failureReason(1, null, ['Traceback ...', 'RuntimeError: CUDA error: out of memory'], 'p')).toBe('CUDA error in the trainer: RuntimeError: CUDA error: out of memory');
    expect(failureReason(null, 'SIGKILL', [], 'p')).toBe('the trainer was killed (SIGKILL: out of memory, or killed from outside)');
    expect(failureReason(1, null, ['Traceback (most recent call last):', '  File "x.py"', 'ValueError: 3 records cannot fill one batch of 8'], 'p')).toBe('the trainer failed (exit code 1): ValueError: 3 records cannot fill one batch of 8');
  });
});
