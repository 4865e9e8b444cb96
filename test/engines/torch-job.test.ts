// An experiment job with engine torch in its own process (the built dist/): cancelled, it stops its
// trainer and keeps the checkpoints; SIGKILLed together with its trainer mid-pre-training, it is
// found interrupted and resumes the trainer from its checkpoint, finishing with the losses of an
// uninterrupted run. And `openecg experiment --engine` refuses what it cannot run, in one line.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMetrics } from '../../src/main/experiments/engines/metrics-tail.js';
import { runExperiment } from '../../src/main/experiments/run.js';
import { cancelJob, experimentRunDir, job, jobLog, resumeJob, startJob, submitJob, waitForJob } from '../../src/main/jobs/index.js';
import { torchMissing } from '../cluster/python.js';
import { demoWorkspace, tinyConfig } from '../experiments/fixtures.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
let ws: string;
beforeAll(async () => {
  ws = await demoWorkspace('torch-job');
}, 120_000);
afterAll(() => rmSync(ws, { recursive: true, force: true }));

async function until(what: string, ok: () => boolean, timeoutMs = 300_000): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

// One target, no w/ arm: one pre-training (long enough to kill inside) and one probe.
const config = tinyConfig({ engine: 'torch', targets: ['Meridian'], lodo: { withArm: false }, pretrain: { steps: 40, batchSize: 8, checkpointEvery: 4 } });
const PRE = 'pre-wo-meridian-simclr-resnet18-1d-w0.0625-d0.25-s1';

describe.skipIf(torchMissing)('an experiment job on engine torch', () => {
  it('cancel stops the trainer; SIGKILL of job and trainer mid-pre-training resumes from the checkpoint to the uninterrupted losses', async () => {
    const id = submitJob(ws, 'experiment', { experiment: 'lodo', config });
    const trainer = join(experimentRunDir(ws, id), 'checkpoints', PRE, 'trainer');
    const stepsSeen = () => readMetrics(join(trainer, 'metrics.jsonl')).at(-1)?.step ?? 0;
    const pidFile = join(trainer, 'trainer.pid');

    // 1. Cancel while the trainer runs: the job ends cancelled, the trainer is gone.
    let child = startJob(ws, id);
    await until('the trainer', () => stepsSeen() >= 1);
    const firstTrainer = Number(readFileSync(pidFile, 'utf8'));
    cancelJob(ws, id);
    const cancelled = await waitForJob(ws, id, { child });
    expect(cancelled.state).toBe('cancelled');
    expect(alive(firstTrainer)).toBe(false);
    expect(existsSync(pidFile)).toBe(false);

    // 2. Resumed, then the job process and its trainer SIGKILLed after a checkpoint, before the end.
    child = resumeJob(ws, id);
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    await until('a checkpoint past the cancel', () => stepsSeen() >= 9);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    child.kill('SIGKILL');
    process.kill(pid, 'SIGKILL');
    await exited;
    await until('the trainer to die', () => !alive(pid), 10_000);
    const killedAt = stepsSeen();
    expect(killedAt).toBeLessThan(40);
    expect(job(ws, id).state).toBe('interrupted');

    // 3. Resumed: the trainer continues from its newest checkpoint and the job finishes.
    const end = await waitForJob(ws, id, { child: resumeJob(ws, id) });
    expect(end.state, end.error ?? '').toBe('done');
    const pre = JSON.parse(readFileSync(join(experimentRunDir(ws, id), 'steps', `${PRE}.json`), 'utf8'));
    expect(pre.resumed_from).toBeGreaterThanOrEqual(8);
    expect(pre.resumed_from).toBeLessThanOrEqual(killedAt);
    expect(pre.engine).toMatch(/^torch /);
    const log = readFileSync(jobLog(ws, id), 'utf8');
    expect(log).toMatch(/training engine: torch/);
    expect(log).toMatch(new RegExp(`${PRE}: torch .* resuming from step ${pre.resumed_from}`));

    // The same experiment uninterrupted (in this process, same engine and threads): the same losses.
    const ref = await runExperiment({ workspace: ws, runDir: join(ws, 'runs', 'uninterrupted'), kind: 'lodo', config });
    const refPre = JSON.parse(readFileSync(join(ref.run_dir, 'steps', `${PRE}.json`), 'utf8'));
    expect(pre.losses.length).toBe(40);
    expect(pre.losses).toEqual(refPre.losses);
    expect(end.result).toMatchObject({ engine: pre.engine, lodo: ref.lodo });
  }, 1_200_000);
});

describe('openecg experiment --engine', () => {
  const cli = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [join(REPO, 'bin', 'openecg.js'), 'experiment', 'lodo', '--workspace', ws, '--config', file(), ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 300_000 });
  const file = () => {
    const f = join(ws, 'tiny.json');
    writeFileSync(f, JSON.stringify(config));
    return f;
  };

  it('an unknown engine is a usage error; torch without a usable Python says so in one line before any job', () => {
    const bad = cli(['--engine', 'jax']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--engine must be one of tfjs, torch, slurm, auto, got 'jax'/);
    const none = cli(['--engine', 'torch', '--json'], { OPENECG_PYTHON: '/bin/false' });
    expect(none.status).toBe(1);
    expect(none.stdout).toBe('');
    expect(none.stderr.trim()).toBe('openecg experiment: engine torch: /bin/false cannot import torch: exited with code 1 and no message; install python3-torch (apt-get install python3-torch) or point OPENECG_PYTHON at a Python that has torch >= 1.13');
  }, 300_000);
});
