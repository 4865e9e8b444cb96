// The experiment runner on Slurm schedules its plan as a dependency graph (run-graph.ts), against a
// real single-node Slurm started by this file (2 CPUs: two 1-CPU jobs at a time). A tiny LODO (one
// target with the with-arm: two pre-trainings, two probes): every pre-training is submitted before
// the first ends, each probe is queued behind its pre-training with afterok, the run folder has a
// sequential run's format; a run cancelled mid-way (scancel of every job) resumes to the same
// records; one pre-training failing on the cluster fails its probe only, the rest is recorded and
// the run fails naming it; a fixed rerun (one trainer step at a time: slurm.maxConcurrentSteps)
// reuses what finished.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readJobRecord } from '../../src/main/experiments/engines/slurm-step-files.js';
import { runExperiment, type ExperimentSummary } from '../../src/main/experiments/run.js';
import { StepCancelled } from '../../src/main/experiments/steps.js';
import { demoWorkspace, tinyConfig } from '../experiments/fixtures.js';
import { tempDir } from '../temp.js';
import { slurmMissing, useSlurm } from './cluster.js';

const SLURM = { threads: 1, time: '0:15:00', pollSeconds: 0.5 };
const config = (slurm: Record<string, unknown> = {}) => tinyConfig({ engine: 'slurm', targets: ['Fjord Registry'], slurm: { ...SLURM, ...slurm } });
const PRE_ALL = 'pre-all-simclr-resnet18-1d-w0.0625-d0.25-s1';
const PRE_WO = 'pre-wo-fjord-registry-simclr-resnet18-1d-w0.0625-d0.25-s1';
const PROBE_WO = 'eval-wo-fjord-registry-simclr-resnet18-1d-w0.0625-d0.25-s1-probe';
const PROBE_W = 'eval-w-fjord-registry-simclr-resnet18-1d-w0.0625-d0.25-s1-probe';
const STEPS = [PRE_ALL, PRE_WO, PROBE_WO, PROBE_W];

type Rec = Record<string, unknown> & { name: string; kind: string };
const stepRecords = (runDir: string): Map<string, Rec> =>
  new Map(
    readdirSync(join(runDir, 'steps'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => [f.slice(0, -5), JSON.parse(readFileSync(join(runDir, 'steps', f), 'utf8')) as Rec]),
  );
/** What a step computed, without where and when (job ids, paths, seconds, the checkpoint it resumed from). */
const outcome = (r: Rec) => ({ name: r.name, steps: r.steps, losses: r.losses, thresholds: r.thresholds, evaluation: r.evaluation, records: r.records, snapshot: r.snapshot_sha256 });
const trainerOut = (runDir: string, step: string) => join(runDir, 'checkpoints', step, 'trainer');

describe.skipIf(slurmMissing !== null)('the experiment runner on Slurm: the plan as a dependency graph', () => {
  const cluster = useSlurm();
  let ws: string;
  let dir: string;
  let uninterrupted: { runDir: string; summary: ExperimentSummary };
  const squeue = (format: string) =>
    spawnSync('squeue', ['-h', '-o', format], { env: cluster.env, encoding: 'utf8' })
      .stdout.split('\n')
      .filter(Boolean);

  beforeAll(async () => {
    if (slurmMissing) return;
    // The runner's engine reads the cluster from the environment, as a user's shell gives it.
    Object.assign(process.env, { SLURM_CONF: cluster.env.SLURM_CONF, PATH: cluster.env.PATH, OMP_NUM_THREADS: '1' });
    ws = await demoWorkspace('slurm-graph');
    dir = tempDir('slurm-graph');
  }, 180_000);

  it('submits every pre-training at once and each probe behind its pre-training (afterok); the run folder as a sequential run makes it', async () => {
    const runDir = join(dir, 'uninterrupted');
    const lines: string[] = [];
    const labels: [number, string][] = [];
    // What the controller shows while the run goes on: each job's dependency.
    const dependency = new Map<string, string>();
    const watch = setInterval(() => {
      for (const l of squeue('%j|%E')) {
        const [name, dep] = l.split('|');
        if (/afterok/.test(dep)) dependency.set(name, dep);
      }
    }, 300);
    const summary = await runExperiment({ workspace: ws, runDir, kind: 'lodo', config: config(), log: (l) => lines.push(l), onProgress: (f, m) => labels.push([f, m]) }).finally(() => clearInterval(watch));
    uninterrupted = { runDir, summary };
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    const firstEnd = at(/^pre-\S+: slurm job \d+ completed/);
    expect(firstEnd).toBeGreaterThan(0);
    const before = (re: RegExp) => {
      const i = at(re);
      return i >= 0 && i < firstEnd;
    };
    for (const pre of [PRE_ALL, PRE_WO]) expect(before(new RegExp(`^${pre}: submitted slurm job \\d+`)), pre).toBe(true);
    // The probes too: queued on the cluster behind their pre-training, before it ended.
    for (const [probe, pre] of [
      [PROBE_WO, PRE_WO],
      [PROBE_W, PRE_ALL],
    ]) {
      const preId = readJobRecord(trainerOut(runDir, pre))!.id;
      expect(readJobRecord(trainerOut(runDir, probe))!.dependency, probe).toEqual([preId]);
      expect(before(new RegExp(`^${probe}: submitted slurm job \\d+ \\(afterok:${preId}\\)`)), probe).toBe(true);
      expect(dependency.get(probe), probe).toMatch(new RegExp(`^afterok:${preId}`));
    }
    expect(labels.some(([, m]) => /^[12] running, [0-3] queued on slurm/.test(m))).toBe(true);
    expect(labels.at(-1)![0]).toBe(1);
    expect(summary.steps).toBe(4);
    expect(summary.lodo![0].auroc_without).not.toBeNull();
    expect(summary.lodo![0].auroc_with).not.toBeNull();

    // The same experiment trained by TensorFlow.js, one step after the other: the same files, the same record and summary fields.
    const seqDir = join(dir, 'sequential');
    const seq = await runExperiment({ workspace: ws, runDir: seqDir, kind: 'lodo', config: tinyConfig({ targets: ['Fjord Registry'] }) });
    expect(Object.keys(summary).sort()).toEqual(Object.keys(seq).sort());
    expect(Object.keys(summary.lodo![0]).sort()).toEqual(Object.keys(seq.lodo![0]).sort());
    const mine = stepRecords(runDir);
    const theirs = stepRecords(seqDir);
    expect([...mine.keys()].sort()).toEqual([...STEPS].sort());
    expect([...theirs.keys()].sort()).toEqual([...STEPS].sort());
    for (const name of STEPS) {
      const engineOnly = ['engine', 'trainer_checkpoint'];
      expect(Object.keys(mine.get(name)!).filter((k) => !engineOnly.includes(k)).sort(), name).toEqual(Object.keys(theirs.get(name)!).sort());
      expect(readdirSync(join(runDir, 'bundles', name)).length, name).toBeGreaterThan(0);
      expect(existsSync(join(runDir, 'snapshots', `${name}.json`)), name).toBe(true);
    }
    for (const probe of [PROBE_WO, PROBE_W]) expect(existsSync(join(runDir, 'predictions', `${probe}.csv`))).toBe(true);
    expect(JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')).steps).toEqual(JSON.parse(readFileSync(join(seqDir, 'run.json'), 'utf8')).steps);
    expect(existsSync(join(runDir, 'summary.json'))).toBe(true);
  }, 900_000);

  it('a cancelled run scancels every job, keeps its checkpoints, and resumes to the uninterrupted records', async () => {
    expect(uninterrupted, 'the first test ran').toBeDefined();
    const runDir = join(dir, 'cancelled');
    const ac = new AbortController();
    const lines: string[] = [];
    // Cancelled once the first step is recorded: the other pre-training and the probes are still on the cluster.
    const stop = setInterval(() => existsSync(join(runDir, 'steps')) && readdirSync(join(runDir, 'steps')).some((f) => f.endsWith('.json')) && ac.abort(), 200);
    const err = await runExperiment({ workspace: ws, runDir, kind: 'lodo', config: config(), signal: ac.signal, log: (l) => lines.push(l) }).then(
      () => null,
      (e: Error) => e,
    );
    clearInterval(stop);
    expect(err).toBeInstanceOf(StepCancelled);
    expect(err!.message).toMatch(/of 4 steps recorded; running it again resumes/);
    const recorded = stepRecords(runDir);
    expect(recorded.size).toBeGreaterThanOrEqual(1);
    expect(recorded.size).toBeLessThan(4);
    expect(lines.some((l) => /: scancel \d+$/.test(l))).toBe(true);
    expect(squeue('%j')).toEqual([]);
    const again = await runExperiment({ workspace: ws, runDir, kind: 'lodo', config: config() });
    expect(again.steps_reused).toBe(recorded.size);
    const resumed = stepRecords(runDir);
    const first = stepRecords(uninterrupted.runDir);
    for (const name of STEPS) expect(outcome(resumed.get(name)!), name).toEqual(outcome(first.get(name)!));
    expect(again.lodo).toEqual(uninterrupted.summary.lodo);
  }, 900_000);

  it('a pre-training that fails on the cluster fails only its probe; the run names it; a fixed rerun (one step at a time) reuses what finished', async () => {
    const runDir = join(dir, 'failing');
    const lines: string[] = [];
    // The fold's job fails before its trainer starts (as a broken module load or init path would).
    const broken = config({ setup: [`case "$SLURM_JOB_NAME" in pre-wo-*) echo "broken fold for the test"; exit 3;; esac`] });
    const err = await runExperiment({ workspace: ws, runDir, kind: 'lodo', config: broken, log: (l) => lines.push(l) }).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(new RegExp(`^1 of 4 steps failed: ${PRE_WO}; not run because a step they start from failed: ${PROBE_WO}; 2 steps are recorded`));
    expect(err?.message).toContain('before the trainer started');
    // The failure's log tail is in the job log.
    expect(lines.some((l) => l.startsWith(`step ${PRE_WO} failed:`) && l.includes('broken fold for the test'))).toBe(true);
    expect([...stepRecords(runDir).keys()].sort()).toEqual([PRE_ALL, PROBE_W].sort());
    expect(existsSync(join(runDir, 'summary.json'))).toBe(false);
    expect(squeue('%j')).toEqual([]);
    // The rerun with at most one trainer step on the cluster at a time: the probe waits here for its
    // pre-training's slot, so it is submitted after it ended, with no dependency left.
    const seen: number[] = [];
    const watch = setInterval(() => seen.push(squeue('%j').length), 300);
    const again: string[] = [];
    const fixed = await runExperiment({ workspace: ws, runDir, kind: 'lodo', config: config({ maxConcurrentSteps: 1 }), log: (l) => again.push(l) }).finally(() => clearInterval(watch));
    expect(fixed.steps_reused).toBe(2);
    expect(again).toContain('at most 1 trainer step submitted at once (slurm.maxConcurrentSteps)');
    expect(Math.max(...seen)).toBe(1);
    expect(readJobRecord(trainerOut(runDir, PROBE_WO))!.dependency).toEqual([]);
    const records = stepRecords(runDir);
    expect([...records.keys()].sort()).toEqual([...STEPS].sort());
    if (uninterrupted) for (const name of STEPS) expect(outcome(records.get(name)!), name).toEqual(outcome(stepRecords(uninterrupted.runDir).get(name)!));
  }, 900_000);
});
