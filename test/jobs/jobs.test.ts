// Jobs run in their own process (the built dist/main/jobs/runner.js): killed with SIGKILL they are
// found interrupted and resume from their checkpoint; cancelled they stop with a checkpoint.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCheckpoints } from '../../src/main/ml/index.js';
import { cancelJob, experimentRunDir, job, jobCheckpoints, jobLog, jobs, resumeJob, startJob, submitJob, waitForJob } from '../../src/main/jobs/index.js';
import { demoWorkspace, tinyConfig } from '../experiments/fixtures.js';

let ws: string;
beforeAll(async () => {
  ws = await demoWorkspace('jobs');
});
afterAll(() => rmSync(ws, { recursive: true, force: true }));

// Generous: a job process's start (tfjs, WASM compilation) takes seconds on a quiet machine and a
// minute or more when the machine is loaded; the assertions are about states, not speed.
async function until(what: string, ok: () => boolean, timeoutMs = 240_000): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('jobs', () => {
  it('a pre-training job killed with SIGKILL is marked interrupted and resumes from its checkpoint', async () => {
    const config = tinyConfig({ pretrain: { steps: 80, batchSize: 4, checkpointEvery: 5 } });
    const id = submitJob(ws, 'pretrain', { config, method: 0 });
    expect(job(ws, id).state).toBe('queued');
    const child = startJob(ws, id);
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    await until('a checkpoint', () => listCheckpoints(jobCheckpoints(ws, id)).length > 0);
    expect(job(ws, id).state).toBe('running');
    child.kill('SIGKILL');
    await exited;
    const dead = job(ws, id);
    expect(dead.state).toBe('interrupted');
    const saved = listCheckpoints(jobCheckpoints(ws, id)).at(-1)!.step;
    expect(saved).toBeGreaterThanOrEqual(5);
    expect(saved).toBeLessThan(80);

    const end = await waitForJob(ws, id, { child: resumeJob(ws, id) });
    expect(end.state, end.error ?? '').toBe('done');
    expect(end.attempts).toBe(2);
    const result = end.result as { resumed_from: number; steps: number; bundle: string };
    // It continued from a checkpoint at or after the one seen before the kill, not from step 0.
    expect(result.resumed_from).toBeGreaterThanOrEqual(saved);
    expect(result.steps).toBe(80);
    expect(existsSync(join(result.bundle, 'bundle.json'))).toBe(true);
    expect(readFileSync(jobLog(ws, id), 'utf8')).toMatch(/attempt 2/);
  }, 600_000);

  it('a cancelled experiment stops with a checkpoint, shows cancelled, and resumes to the end', async () => {
    const config = tinyConfig({ pretrain: { steps: 80, batchSize: 4, checkpointEvery: 5 }, lodo: { withArm: false }, targets: ['Fjord Registry'] });
    const id = submitJob(ws, 'experiment', { experiment: 'lodo', config });
    const child = startJob(ws, id);
    const first = join(experimentRunDir(ws, id), 'checkpoints', 'pre-wo-fjord-registry-simclr-resnet18-1d-w0.0625-d0.25-s1');
    await until('a checkpoint', () => listCheckpoints(first).length > 0);
    expect(cancelJob(ws, id).state).toBe('running'); // asked; it stops at the next step
    const stopped = await waitForJob(ws, id, { child });
    expect(stopped.state).toBe('cancelled');
    expect(stopped.progress).toBeLessThan(1);
    const at = listCheckpoints(first).at(-1)!.step;
    expect(at).toBeLessThan(80);
    expect(jobs(ws).find((j) => j.id === id)!.state).toBe('cancelled');

    const end = await waitForJob(ws, id, { child: resumeJob(ws, id) });
    expect(end.state, end.error ?? '').toBe('done');
    const step = JSON.parse(readFileSync(join(experimentRunDir(ws, id), 'steps', 'pre-wo-fjord-registry-simclr-resnet18-1d-w0.0625-d0.25-s1.json'), 'utf8'));
    expect(step.resumed_from).toBe(at);
    expect(step.losses.length).toBe(80);
    expect((end.result as { lodo: unknown[] }).lodo.length).toBe(1);
  }, 600_000);

  it('a job cancelled after its process was started but before it claimed the job stays cancelled; resumed, it runs', async () => {
    const id = submitJob(ws, 'pretrain', { config: tinyConfig({ pretrain: { steps: 4, batchSize: 4, checkpointEvery: 2 } }), method: 0 });
    const child = startJob(ws, id);
    const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    // The process takes far longer to start than this call: the job is still queued, so it is cancelled at once.
    expect(cancelJob(ws, id).state).toBe('cancelled');
    expect(await exit).toBe(3);
    const row = job(ws, id);
    expect(row.state).toBe('cancelled');
    expect(row.attempts).toBe(0);
    expect(readFileSync(jobLog(ws, id), 'utf8')).toMatch(new RegExp(`not started: job ${id} is cancelled`));
    const end = await waitForJob(ws, id, { child: resumeJob(ws, id) });
    expect(end.state, end.error ?? '').toBe('done');
    expect(end.attempts).toBe(1);
  }, 300_000);

  it('refuses bad parameters at submission and resuming a finished job', () => {
    expect(() => submitJob(ws, 'experiment', { experiment: 'sideways', config: tinyConfig() })).toThrow(/experiment/);
    const done = jobs(ws).find((j) => j.state === 'done')!;
    expect(() => resumeJob(ws, done.id)).toThrow(/only queued, interrupted, cancelled, failed jobs resume/);
  });
});
