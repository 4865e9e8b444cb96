// The Slurm training engine against a real single-node Slurm started by this file (scripts/
// slurm-up.sh): 2 CPU ranks over gloo per job, under srun + torchrun from the same job.sbatch and
// torchrun.sh that `openecg cluster plan` writes. A pre-training and its probe submitted together
// (the probe with afterok on it), a workstation restart that follows the running job instead of
// submitting it again, a step cancelled mid-way and resumed to the uninterrupted run's losses, and a
// trainer that fails with its log tail in the rejection.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sbatchScript } from '../../src/main/experiments/cluster-scripts.js';
import { SlurmEngine } from '../../src/main/experiments/engines/slurm.js';
import { newestCheckpoint, readJobRecord, readRunJson, stepComplete } from '../../src/main/experiments/engines/slurm-step-files.js';
import type { EngineIo, TrainerMetric, TrainerStep } from '../../src/main/experiments/engines/types.js';
import { exportShards } from '../../src/main/experiments/export/shards.js';
import { slurmSchema } from '../../src/main/experiments/slurm-config.js';
import { runExperiment } from '../../src/main/experiments/run.js';
import { demoWorkspace, tinyConfig } from '../experiments/fixtures.js';
import { tempDir } from '../temp.js';
import { slurmMissing, useSlurm } from './cluster.js';

const STEPS = 120;
const TINY = {
  name: 'slurm-test',
  seeds: [1],
  methods: [{ method: 'byol', backbone: 'resnet18_1d', width: 0.0625, depth: 0.25, options: { projectorHidden: 32, projectorOut: 16 } }],
  pretrain: { steps: STEPS, batchSize: 8, checkpointEvery: 10 },
  downstream: { protocols: ['probe'], probe: { steps: 4, batchSize: 8 } },
  baselines: { scratch: false, randomProbe: false },
};
// Two gloo ranks in one CPU each job may use, so two jobs run side by side on a 2-core node.
const SLURM = slurmSchema.parse({ ranksPerNode: 2, cpusPerTask: 1, threads: 1, time: '0:15:00', pollSeconds: 0.5 });

function recorder(signal?: AbortSignal) {
  const metrics: TrainerMetric[] = [];
  const lines: string[] = [];
  const io: EngineIo = { signal, onMetric: (m) => metrics.push(m), log: (l) => lines.push(l) };
  return { io, metrics, lines };
}

const losses = (out: string): number[] => JSON.parse(readFileSync(join(out, 'losses.json'), 'utf8')) as number[];

describe.skipIf(slurmMissing !== null)('Slurm engine on a real single-node cluster', () => {
  const cluster = useSlurm();
  let ws: string;
  let dir: string;
  let config: string;
  let shards: string;
  const step = (name: string, over: Partial<TrainerStep> = {}): TrainerStep => ({ name, task: 'pretrain', config, methodIndex: 0, shards, out: join(dir, name), ...over });

  /** The step with a bad method index, started beside the first test's jobs: its rejection. */
  let failed: Promise<Error | null> | undefined;
  const startBad = (engine: SlurmEngine) =>
    engine.start(step('bad', { methodIndex: 5 }), recorder().io).then(
      () => null,
      (e: Error) => e,
    );

  beforeAll(async () => {
    if (slurmMissing) return;
    ws = await demoWorkspace('slurm-engine');
    dir = tempDir('slurm-run');
    shards = join(dir, 'shards');
    exportShards(ws, shards, { shardSize: 100 });
    config = join(dir, 'tiny.json');
    writeFileSync(config, JSON.stringify(TINY));
  }, 180_000);

  it('submits a pre-training and its probe at once (afterok), a restarted workstation follows the same job', async () => {
    const engine = new SlurmEngine({ slurm: SLURM, env: cluster.env });
    const pre = step('pre');
    const probe = step('probe', { task: 'probe', methodIndex: undefined, init: join(dir, 'pre', 'checkpoint.safetensors'), after: ['pre'] });
    const a = recorder();
    const b = recorder();
    const started = Date.now();
    const pending = [engine.start(pre, a.io), engine.start(probe, b.io)];
    // An independent step (the failing one of the test below) on the same engine runs side by side.
    failed = startBad(engine);
    // Both are in the queue before the pre-training ends: the probe waits on the cluster, not here.
    await expect.poll(() => readJobRecord(probe.out), { timeout: 20_000, interval: 200 }).not.toBeNull();
    const running = () => spawnSync('squeue', ['-h', '-t', 'running', '-o', '%j'], { env: cluster.env, encoding: 'utf8' }).stdout.split('\n').filter(Boolean).sort();
    await expect.poll(running, { timeout: 120_000, interval: 200 }).toEqual(['bad', 'pre']);
    const preJob = readJobRecord(pre.out)!;
    expect(readJobRecord(probe.out)!.dependency).toEqual([preJob.id]);
    // A workstation restart: a new engine finds the job recorded in the step folder still queued
    // or running and follows it instead of submitting the step again.
    const again = recorder();
    const followed = new SlurmEngine({ slurm: SLURM, env: cluster.env }).start(pre, again.io);
    const [r1, r2, r3] = await Promise.all([...pending, followed]);
    expect(again.lines.join('\n')).toContain(`following slurm job ${preJob.id}`);
    expect(readJobRecord(pre.out)!.id).toBe(preJob.id);
    expect(r1.where).toMatch(new RegExp(`^slurm job ${preJob.id} on ${cluster.node} \\(cpu x2\\)`));
    expect(r3.where).toBe(r1.where);
    expect(r1.resumedFrom).toBe(0);
    expect(a.metrics.map((m) => m.step)).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
    expect(a.metrics.every((m) => m.world_size === 2 && m.total_steps === STEPS && Number.isFinite(m.loss))).toBe(true);
    expect(existsSync(r1.checkpoint)).toBe(true);
    expect(stepComplete(pre.out)).toBe(STEPS);
    expect(b.metrics.map((m) => m.step)).toEqual([1, 2, 3, 4]);
    expect(existsSync(r2.checkpoint)).toBe(true);
    expect(b.lines.join('\n')).toMatch(/afterok:\d+/);
    // Already complete: resolved from the folder, nothing submitted.
    const c = recorder();
    const r4 = await new SlurmEngine({ slurm: SLURM, env: cluster.env }).start(pre, c.io);
    expect(r4.resumedFrom).toBe(STEPS);
    expect(c.lines.join('\n')).toContain('already complete');
    expect(readJobRecord(pre.out)!.id).toBe(preJob.id);
    console.log(`[slurm] pre-training (${STEPS} steps) + probe (4 steps) as two jobs: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 300_000);

  it('cancels a step with scancel mid-way; starting it again resumes to the uninterrupted losses', async () => {
    const s = step('cancelled');
    const ac = new AbortController();
    const first = recorder(ac.signal);
    const engine = new SlurmEngine({ slurm: SLURM, env: cluster.env });
    const io: EngineIo = { ...first.io, onMetric: (m) => (first.io.onMetric(m), m.step >= 12 && ac.abort()) };
    await expect(engine.start(s, io)).rejects.toMatchObject({ name: 'TrainerCancelled' });
    const id = readJobRecord(s.out)!.id;
    expect(first.lines.join('\n')).toContain(`scancel ${id}`);
    const at = newestCheckpoint(s.out);
    expect(at).toBeGreaterThanOrEqual(10);
    expect(stepComplete(s.out)).toBeNull();
    const second = recorder();
    const r = await engine.start(s, second.io);
    expect(readJobRecord(s.out)!.id).not.toBe(id);
    expect(r.resumedFrom).toBe(at);
    expect(second.metrics[0].step).toBe(at + 1);
    expect(second.metrics.at(-1)!.step).toBe(STEPS);
    expect(losses(s.out)).toEqual(losses(join(dir, 'pre')));
  }, 300_000);

  it('a trainer that fails on the cluster rejects with its log tail', async () => {
    const err = await (failed ?? startBad(new SlurmEngine({ slurm: SLURM, env: cluster.env })));
    expect(err?.message).toMatch(/^bad: slurm job \d+ failed on \S+: the trainer exited with status 1/);
    expect(err?.message).toContain('method index 5: the config has 1 methods');
  }, 120_000);

  it('a job the cluster refuses (no such partition) rejects with sbatch\'s reason; a step runs once per engine', async () => {
    const engine = new SlurmEngine({ slurm: { ...SLURM, partition: 'no-such-partition' }, env: cluster.env });
    const s = step('refused');
    const first = engine.start(s, recorder().io);
    await expect(engine.start(s, recorder().io)).rejects.toThrow(/^refused: already running in this engine/);
    await expect(first).rejects.toThrow(/^refused: sbatch refused the job \(.*job\.sbatch\): .*invalid partition/i);
    expect(readJobRecord(s.out)).toBeNull();
    await expect(engine.start(step('two words'), recorder().io)).rejects.toThrow(/step name 'two words': letters, digits/);
  });

  it('a run folder the workstation does not see as the node wrote it: cancelled with the shared-path error', async () => {
    // The node's marker is removed as soon as it appears: what the workstation sees of a folder
    // that is not shared (or is another folder at the same path).
    const s = step('unshared');
    const hide = setInterval(() => {
      for (const f of existsSync(join(s.out, 'slurm')) ? readdirSync(join(s.out, 'slurm')) : []) if (f.startsWith('visible-')) rmSync(join(s.out, 'slurm', f), { force: true });
    }, 20);
    const rec = recorder();
    const err = await new SlurmEngine({ slurm: { ...SLURM, visibleWithin: 3 }, env: cluster.env })
      .start(s, rec.io)
      .then(
        () => null,
        (e: Error) => e,
      )
      .finally(() => clearInterval(hide));
    expect(err?.message).toMatch(/^unshared: slurm job \d+ has been running for 3 s on \S+ but its marker never appeared in .*: the run folder must be on a file system the workstation and the cluster's nodes both see, at the same path/);
  }, 120_000);

  // Slurm holds a requeued job ~2 minutes (BeginTime, not shortened by scontrol update), so this
  // one runs on request: OPENECG_SLURM_REQUEUE=1 (about 3 minutes here).
  it('an experiment with engine slurm: every training step an sbatch job, scored here, a second call reuses them', async () => {
    // The runner's engine reads the cluster from the environment, as a user's shell gives it.
    Object.assign(process.env, { SLURM_CONF: cluster.env.SLURM_CONF, PATH: cluster.env.PATH, OMP_NUM_THREADS: '1' });
    const config = tinyConfig({ engine: 'slurm', targets: ['Fjord Registry'], slurm: { threads: 1, time: '0:15:00', pollSeconds: 0.5 } });
    const runDir = join(dir, 'experiment');
    const lines: string[] = [];
    const s = await runExperiment({ workspace: ws, runDir, kind: 'lodo', config, log: (l) => lines.push(l) });
    expect(s.engine).toBe('slurm');
    expect(s.lodo!.length).toBe(1);
    expect(s.lodo![0].auroc_without).not.toBeNull();
    expect(s.lodo![0].auroc_with).not.toBeNull();
    const run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'));
    expect(run.engine).toMatchObject({ requested: 'slurm', name: 'slurm' });
    const trained = (run.steps as string[]).map((name) => JSON.parse(readFileSync(join(runDir, 'steps', `${name}.json`), 'utf8'))).filter((r) => r.trainer_checkpoint);
    expect(trained.length).toBeGreaterThanOrEqual(3);
    for (const rec of trained) {
      // Each trainer folder holds the job the cluster ran it as, and its exit file says 0.
      const out = join(rec.trainer_checkpoint, '..');
      const job = readJobRecord(out);
      expect(job, out).not.toBeNull();
      expect(readFileSync(join(out, 'slurm', `exit-${job!.id}`), 'utf8').trim()).toBe('0');
      expect(rec.losses.length).toBe(rec.steps);
    }
    expect(lines.some((l) => /^training engine: slurm/.test(l))).toBe(true);
    const again = await runExperiment({ workspace: ws, runDir, kind: 'lodo', config });
    expect(again.steps_reused).toBe(again.steps);
    expect(again.lodo).toEqual(s.lodo);
  }, 1_200_000);

  it.skipIf(!process.env.OPENECG_SLURM_REQUEUE)('a node that fails under a job Slurm requeues: the engine follows the same job to its end, the trainer resumed', async () => {
    const rec = recorder();
    let downed = false;
    const io: EngineIo = {
      ...rec.io,
      onMetric: (m) => {
        rec.io.onMetric(m);
        if (downed || m.step < 12) return;
        downed = true;
        spawnSync('scontrol', ['update', `nodename=${cluster.node}`, 'state=down', 'reason=openecg-test'], { env: cluster.env });
      },
    };
    const s = step('requeued');
    const r = await new SlurmEngine({ slurm: SLURM, env: cluster.env }).start(s, io);
    expect(rec.lines.join('\n')).toMatch(/requeued by Slurm \((\w+: )?its node failed or it was preempted\); the trainer resumes from checkpoint step [1-9]\d* when it starts again/);
    expect(r.where).toContain(`slurm job ${readJobRecord(s.out)!.id} `);
    expect(readRunJson(s.out)!.resumed_from).toBeGreaterThanOrEqual(10);
    expect(rec.metrics.map((m) => m.step)).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
    expect(stepComplete(s.out)).toBe(STEPS);
  }, 300_000);

  it('a node that fails under a job Slurm does not requeue: the step says so (run last: it stops every job on the node)', async () => {
    const rec = recorder();
    let downed = false;
    const io: EngineIo = {
      ...rec.io,
      onMetric: (m) => {
        rec.io.onMetric(m);
        if (downed) return;
        downed = true;
        spawnSync('scontrol', ['update', `nodename=${cluster.node}`, 'state=down', 'reason=openecg-test'], { env: cluster.env });
      },
    };
    const engine = new SlurmEngine({ slurm: { ...SLURM, sbatch: ['--no-requeue'] }, env: cluster.env });
    const err = await engine.start(step('vanished'), io).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(new RegExp(`^vanished: node ${cluster.node} failed \\(NODE_FAIL\\) under slurm job \\d+, which Slurm did not requeue; starting the step again resumes from checkpoint step \\d+`));
    // ReturnToService=2: the node is back once its slurmd answers.
    await expect.poll(() => spawnSync('sinfo', ['-h', '-N', '-o', '%t'], { env: cluster.env, encoding: 'utf8' }).stdout.trim(), { timeout: 30_000, interval: 500 }).toBe('idle');
  }, 180_000);

  it('a job script asking for GPUs is accepted by sbatch (the cluster has two fake ones)', () => {
    const folder = tempDir('slurm-gpu');
    writeFileSync(join(folder, 'job.sbatch'), sbatchScript({ jobName: 'gpu-check', nodes: 1, gpusPerNode: 2, cpusPerTask: 2, time: '0:05:00', extra: ['--mem=100M'] }));
    const r = spawnSync('sbatch', ['--test-only', 'job.sbatch'], { cwd: folder, env: cluster.env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/to start at .* on nodes/);
  });
});
