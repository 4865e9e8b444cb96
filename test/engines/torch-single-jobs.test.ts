// Single-step jobs (pretrain, probe) on the training engines, each in its own job process (the built
// dist/): the config's engine when the job names none, the job's own engine over the config's, a
// pre-training cancelled and resumed on torch, its bundle loaded and run in the workstation, a probe
// from it scored on torch, and torch without a usable Python refused at once with the experiment
// runner's message. Real python3-torch on the CPU; skipped where it is absent.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMetrics } from '../../src/main/experiments/engines/metrics-tail.js';
import { cancelJob, job, jobCheckpoints, jobDir, jobLog, resumeJob, startJob, submitJob, waitForJob } from '../../src/main/jobs/index.js';
import { openEngine, readBundleJson } from '../../src/main/ml/index.js';
import { torchMissing } from '../cluster/python.js';
import { demoWorkspace, tinyConfig } from '../experiments/fixtures.js';

let ws: string;
beforeAll(async () => {
  if (!torchMissing) ws = await demoWorkspace('torch-single-jobs');
}, 120_000);
afterAll(() => ws && rmSync(ws, { recursive: true, force: true }));

async function until(what: string, ok: () => boolean, timeoutMs = 300_000): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const logOf = (id: number) => readFileSync(jobLog(ws, id), 'utf8');
const TORCH = /^torch \d+\.\d+\S* \(cpu, \d+ threads\)$/;

interface PretrainResult {
  bundle: string;
  steps: number;
  resumed_from: number;
  final_loss: number;
  engine: string;
  trainer_checkpoint?: string;
}

describe.skipIf(torchMissing)('pretrain and probe jobs on engine torch', () => {
  let pretrained: PretrainResult;

  it("pretrain without a job engine trains on the config's torch: progress, cancel, resume, a bundle the workstation runs", async () => {
    const config = tinyConfig({ engine: 'torch', pretrain: { steps: 24, batchSize: 8, checkpointEvery: 4 } });
    const id = submitJob(ws, 'pretrain', { config });
    const metrics = join(jobCheckpoints(ws, id), 'trainer', 'metrics.jsonl');
    const stepsSeen = () => readMetrics(metrics).at(-1)?.step ?? 0;

    // Cancelled after a checkpoint: the job ends cancelled, the trainer's checkpoints stay.
    const child = startJob(ws, id);
    await until('a checkpoint', () => stepsSeen() >= 5);
    cancelJob(ws, id);
    const cancelled = await waitForJob(ws, id, { child });
    expect(cancelled.state).toBe('cancelled');
    // Progress reached the job row while the trainer ran, with the step's loss.
    expect(cancelled.progress).toBeGreaterThan(0);
    expect(cancelled.progress).toBeLessThan(1);
    expect(cancelled.message).toMatch(/^\d+\/24 loss \d+\.\d{4}$/);

    const updates: string[] = [];
    const end = await waitForJob(ws, id, { child: resumeJob(ws, id), onUpdate: (r) => r.message && updates.push(r.message) });
    expect(end.state, end.error ?? '').toBe('done');
    pretrained = end.result as PretrainResult;
    expect(pretrained.engine).toMatch(TORCH);
    expect(pretrained.resumed_from).toBeGreaterThanOrEqual(4);
    expect(pretrained.steps).toBe(24);
    expect(Number.isFinite(pretrained.final_loss)).toBe(true);
    expect(existsSync(pretrained.trainer_checkpoint!)).toBe(true);
    // The tfjs path's places: the bundle in the job folder, the whole loss curve beside the checkpoints.
    expect(pretrained.bundle).toBe(join(jobDir(ws, id), 'bundle'));
    const losses = JSON.parse(readFileSync(join(jobCheckpoints(ws, id), 'losses.json'), 'utf8')) as number[];
    expect(losses.length).toBe(24);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.at(-1)).toBeCloseTo(pretrained.final_loss, 10);
    const log = logOf(id);
    expect(log).toMatch(/training engine: torch \S+ \(cpu, \d+ threads\): the config asks for torch; /);
    expect(log).toContain(`trained on ${pretrained.engine}`);
    expect(log).toMatch(/job-\d+-pretrain: torch .*resuming from step \d+/);

    // The bundle loads and runs in the workstation (ONNX Runtime): finite embeddings of two records.
    const meta = readBundleJson(pretrained.bundle);
    expect(meta.task).toBe('pretrain-simclr');
    const { leads, samples } = meta.architecture.options;
    const x = Float32Array.from({ length: 2 * leads * samples }, (_, i) => Math.sin(i / 37) * 0.5);
    const engine = await openEngine(pretrained.bundle, { engine: 'ort' });
    try {
      const e = await engine.embeddings(x, 2);
      expect(e.length).toBeGreaterThan(0);
      expect(e.every(Number.isFinite)).toBe(true);
    } finally {
      await engine.dispose();
    }
  }, 1_200_000);

  it("a probe from that bundle with the job's engine torch over the config's tfjs scores the test records", async () => {
    expect(pretrained, 'the pretrain test ran').toBeDefined();
    const config = tinyConfig(); // engine tfjs
    expect(config.engine).toBe('tfjs');
    const id = submitJob(ws, 'probe', { config, init: pretrained.bundle, engine: 'torch' });
    const end = await waitForJob(ws, id, { child: startJob(ws, id) });
    expect(end.state, end.error ?? '').toBe('done');
    const r = end.result as { bundle: string; predictions: string; thresholds: number[]; evaluation: { macro_auroc: number | null; records: number }; engine: string };
    expect(r.engine).toMatch(TORCH);
    expect(r.bundle).toBe(join(jobDir(ws, id), 'bundle'));
    expect(readBundleJson(r.bundle).task).toBe('probe');
    expect(r.thresholds.length).toBe(24);
    // One prediction row per test record, as the tfjs path writes them.
    const rows = readFileSync(r.predictions, 'utf8').trim().split('\n');
    expect(r.predictions).toBe(join(jobDir(ws, id), 'predictions.csv'));
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.length - 1).toBe(r.evaluation.records);
    const log = logOf(id);
    expect(log).toMatch(/training engine: torch \S+ \(cpu, \d+ threads\): the job asks for torch; /);
    expect(log).toContain(`trained on ${r.engine}`);
  }, 1_200_000);

  it("the job's engine tfjs wins over the config's torch", async () => {
    const config = tinyConfig({ engine: 'torch' });
    const id = submitJob(ws, 'pretrain', { config, engine: 'tfjs' });
    const end = await waitForJob(ws, id, { child: startJob(ws, id) });
    expect(end.state, end.error ?? '').toBe('done');
    expect(end.result).toMatchObject({ engine: 'tfjs', steps: 6 });
    expect((end.result as PretrainResult).trainer_checkpoint).toBeUndefined();
    expect(existsSync(join(jobCheckpoints(ws, id), 'trainer'))).toBe(false);
    expect(logOf(id)).toMatch(/training engine: tfjs: the job asks for tfjs/);
  }, 600_000);

  it('torch without a usable Python: the job fails at once with the experiment runner\'s one-line message', async () => {
    const id = submitJob(ws, 'pretrain', { config: tinyConfig({ engine: 'torch' }) });
    const before = process.env.OPENECG_PYTHON;
    process.env.OPENECG_PYTHON = '/bin/false';
    let child;
    try {
      child = startJob(ws, id);
    } finally {
      if (before === undefined) delete process.env.OPENECG_PYTHON;
      else process.env.OPENECG_PYTHON = before;
    }
    const end = await waitForJob(ws, id, { child });
    expect(end.state).toBe('failed');
    expect(end.error).toBe('engine torch: /bin/false cannot import torch: exited with code 1 and no message; install python3-torch (apt-get install python3-torch) or point OPENECG_PYTHON at a Python that has torch >= 1.13');
    // Nothing was read or trained.
    expect(existsSync(jobCheckpoints(ws, id))).toBe(false);
    expect(job(ws, id).progress).toBe(0);
  }, 120_000);
});
