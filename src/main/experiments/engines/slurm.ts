// The Slurm training engine: every trainer step becomes one sbatch job running the PyTorch trainer
// under srun + torchrun (job.sbatch and torchrun.sh from cluster-scripts.ts, the scripts
// `openecg cluster plan` writes for hand submission). Steps whose `after` are jobs of this engine
// get `--dependency=afterok:`, so start() returns at once for every step and independent folds x
// methods run side by side. Jobs are followed with one squeue call per poll; metrics.jsonl is tailed
// from the step folder on the shared file system; io.signal cancels with scancel; starting a step
// again resubmits it and the trainer resumes from its checkpoint. docs/cluster.md, "The Slurm engine".
import { chmodSync, copyFileSync, cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sbatchScript, shellQuote, torchrunScript, TRAINER_DIR } from '../cluster-scripts.js';
import type { ExperimentConfig } from '../config.js';
import { cpusPerTask, DEFAULT_SLURM, ranksPerNode, type SlurmConfig } from '../slurm-config.js';
import { isActive, SlurmClient, type JobInfo } from './slurm-client.js';
import { jobDir, logPath, logTail, newestCheckpoint, readExit, readJobRecord, readMarker, readMetrics, readRunJson, stepComplete, trimMetrics, writeJobRecord } from './slurm-step-files.js';
import { QueueWatcher } from './slurm-watch.js';
import { TrainerCancelled, trainerArgs, type EngineIo, type TrainerResult, type TrainerStep, type TrainingEngine } from './types.js';

export interface SlurmEngineOptions {
  /** The experiment config's `slurm` section (absent: defaults). */
  readonly slurm?: SlurmConfig;
  /** Environment of sbatch/squeue/scancel and of the jobs (sbatch exports it): PATH, SLURM_CONF. */
  readonly env?: NodeJS.ProcessEnv;
  /** The openecg_cluster package copied beside each job's scripts. */
  readonly trainerDir?: string;
}

/** Registers the engine with the runner: `slurm: (config) => slurmEngine(config)`. */
export const slurmEngine = (config: Pick<ExperimentConfig, 'slurm'>, options: Omit<SlurmEngineOptions, 'slurm'> = {}): SlurmEngine => new SlurmEngine({ ...options, slurm: config.slurm });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The engines' cancel error (the runner keeps the step's checkpoints and resumes it later). */
const cancelled = (message: string): Error => new TrainerCancelled(message.slice(0, message.indexOf(':')), message);

/** What a step's dependents wait for: its job id, or null when it needs no waiting (already complete). */
interface Submitted {
  readonly out: string;
  readonly job: Promise<string | null>;
}

export class SlurmEngine implements TrainingEngine {
  readonly name = 'slurm' as const;
  readonly slurm: SlurmConfig;
  private readonly client: SlurmClient;
  private readonly watcher: QueueWatcher;
  private readonly trainerDir: string;
  private readonly submitted = new Map<string, Submitted>();
  /** Step folders being followed: one start() at a time per step. */
  private readonly running = new Set<string>();

  constructor(options: SlurmEngineOptions = {}) {
    this.slurm = options.slurm ?? DEFAULT_SLURM;
    this.client = new SlurmClient({ env: options.env });
    this.watcher = new QueueWatcher(this.client, this.slurm.pollSeconds * 1000);
    this.trainerDir = options.trainerDir ?? TRAINER_DIR;
  }

  start(step: TrainerStep, io: EngineIo): Promise<TrainerResult> {
    // Registered before anything is awaited: a dependent started right after finds this step.
    let settle!: (id: string | null) => void;
    let fail!: (err: Error) => void;
    const job = new Promise<string | null>((res, rej) => ((settle = res), (fail = rej)));
    job.catch(() => undefined);
    // The name is the job name and part of the log's file name: one plain word.
    if (!/^[\w.@+-]+$/.test(step.name)) return Promise.reject(new Error(`step name '${step.name}': letters, digits and . _ - + @ only (it names the Slurm job)`));
    const out = resolve(step.out);
    if (this.running.has(out)) return Promise.reject(new Error(`${step.name}: already running in this engine (${out})`));
    this.running.add(out);
    this.submitted.set(step.name, { out, job });
    return this.run({ ...step, out }, io, settle)
      .catch((err: Error) => {
        fail(err);
        throw err;
      })
      .finally(() => this.running.delete(out));
  }

  private devices(): string {
    const s = this.slurm;
    return s.gpusPerNode > 0 ? `cuda x${s.nodes * s.gpusPerNode}` : `cpu x${s.nodes * s.ranksPerNode}`;
  }

  private async run(step: TrainerStep, io: EngineIo, settle: (id: string | null) => void): Promise<TrainerResult> {
    if (io.signal?.aborted) throw cancelled(`${step.name}: cancelled before submission`);
    const done = stepComplete(step.out, step.steps);
    if (done !== null) {
      settle(null);
      io.log(`${step.name}: already complete (step ${done}), not resubmitted`);
      return { checkpoint: join(step.out, 'checkpoint.safetensors'), where: `slurm (complete before this start, step ${done})`, resumedFrom: done };
    }
    // A job recorded in the step folder that the controller still runs or queues (a workstation
    // restart) is followed, not submitted twice.
    const record = readJobRecord(step.out);
    if (record) {
      const info = (await this.client.squeue([record.id])).get(record.id);
      if (info && isActive(info.state)) {
        settle(record.id);
        io.log(`${step.name}: following slurm job ${record.id} submitted ${record.submitted_at} (${info.state})`);
        const run = readRunJson(step.out);
        const from = run && Date.parse(record.submitted_at) <= run.mtimeMs ? run.resumed_from : newestCheckpoint(step.out);
        return this.follow(step, io, record.id, from);
      }
    }
    const dependency = await this.dependencies(step, io);
    if (io.signal?.aborted) throw cancelled(`${step.name}: cancelled before submission`);
    const from = newestCheckpoint(step.out);
    const dir = this.writeJobFolder(step);
    trimMetrics(step.out, from); // nothing stale to follow: the resumed trainer rewrites later steps
    const id = await this.client.sbatch('job.sbatch', dir, { dependency }).catch((err: Error) => {
      throw new Error(`${step.name}: sbatch refused the job (${dir}/job.sbatch): ${err.message}`);
    });
    writeJobRecord(step.out, { id, name: step.name, submitted_at: new Date().toISOString(), dependency });
    settle(id);
    io.log(`${step.name}: submitted slurm job ${id}${dependency.length ? ` (afterok:${dependency.join(':')})` : ''}${from ? `, resuming from step ${from}` : ''}; log ${logPath(step.out, step.name, id)}`);
    return this.follow(step, io, id, from);
  }

  /** Job ids of the `after` steps still queued or running; a finished one must have completed. */
  private async dependencies(step: TrainerStep, io: EngineIo): Promise<string[]> {
    const ids: string[] = [];
    for (const name of step.after ?? []) {
      const up = this.submitted.get(name);
      if (!up) {
        io.log(`${step.name}: '${name}' was not started by this engine; not waited for`);
        continue;
      }
      let id: string | null;
      try {
        id = await up.job;
      } catch (err) {
        throw new Error(`${step.name}: not submitted, '${name}' it starts from could not be submitted: ${(err as Error).message}`);
      }
      if (id === null) continue;
      const info = (await this.client.squeue([id])).get(id);
      if (info && isActive(info.state)) ids.push(id);
      else if (stepComplete(up.out) === null) throw new Error(`${step.name}: not submitted, '${name}' (slurm job ${id}) ended without finishing (${info?.state ?? 'gone'})`);
    }
    return ids;
  }

  /** torchrun.sh, job.sbatch, the trainer package and the config in `<out>/slurm/`, the job's submit folder. */
  private writeJobFolder(step: TrainerStep): string {
    const s = this.slurm;
    const dir = jobDir(step.out);
    mkdirSync(dir, { recursive: true });
    rmSync(join(dir, 'openecg_cluster'), { recursive: true, force: true });
    cpSync(this.trainerDir, join(dir, 'openecg_cluster'), { recursive: true, filter: (p) => !p.includes('__pycache__') });
    copyFileSync(step.config, join(dir, 'config.json'));
    const args = trainerArgs(
      { ...step, config: join(dir, 'config.json'), shards: resolve(step.shards), init: step.init && resolve(step.init) },
      { device: s.gpusPerNode > 0 ? 'cuda' : 'cpu', threads: s.threads || undefined, workers: s.workers },
    );
    writeFileSync(join(dir, 'torchrun.sh'), torchrunScript({ nodes: s.nodes, procsPerNode: ranksPerNode(s), train: args.map(shellQuote).join(' '), torchrun: s.torchrun }));
    chmodSync(join(dir, 'torchrun.sh'), 0o755);
    const sbatch = sbatchScript({
      jobName: step.name,
      nodes: s.nodes,
      gpusPerNode: s.gpusPerNode,
      cpusPerTask: cpusPerTask(s),
      time: s.time,
      partition: s.partition,
      account: s.account,
      qos: s.qos,
      extra: s.sbatch,
      setup: s.setup,
      howTo: `Written by the workstation's Slurm engine for step ${step.name}; by hand: cd here && sbatch job.sbatch`,
    });
    writeFileSync(join(dir, 'job.sbatch'), sbatch);
    return dir;
  }

  /** Follows job `id` to its end: metrics as they come, cancel on io.signal, a clear reason on failure. */
  private async follow(step: TrainerStep, io: EngineIo, id: string, resumedFrom: number): Promise<TrainerResult> {
    let last = resumedFrom;
    const emit = () => {
      for (const m of readMetrics(step.out)) {
        if (m.step <= last) continue;
        last = m.step;
        io.onMetric(m);
      }
    };
    let shown = '';
    let node = '';
    let runningSince: number | null = null;
    let failures = 0;
    let abort: (() => void) | null = null;
    const aborted = new Promise<'abort'>((res) => {
      if (io.signal?.aborted) res('abort');
      abort = () => res('abort');
      io.signal?.addEventListener('abort', abort, { once: true });
    });
    try {
      for (;;) {
        let info: JobInfo | null | 'abort';
        try {
          info = await Promise.race([this.watcher.next(id), aborted]);
          failures = 0;
        } catch (err) {
          // The controller may be restarting: keep following, give up after ~30 polls in a row.
          if (++failures >= 30) throw new Error(`${step.name}: slurm job ${id} can no longer be followed: ${(err as Error).message}`);
          if (failures === 1) io.log(`${step.name}: squeue failed (${(err as Error).message}); retrying`);
          continue;
        }
        if (info === 'abort') return await this.cancel(step, io, id);
        emit();
        if (!info || !isActive(info.state)) return await this.finish(step, io, id, info, node, resumedFrom, emit);
        if (info.nodes) node = info.nodes;
        const seen = `${info.state} ${info.reason}`;
        if (info.state === 'PENDING' && runningSince !== null) {
          runningSince = null;
          io.log(`${step.name}: slurm job ${id} requeued by Slurm (${info.reason && info.reason !== 'None' ? `${info.reason}: ` : ''}its node failed or it was preempted); the trainer resumes from checkpoint step ${newestCheckpoint(step.out)} when it starts again`);
        }
        if (seen !== shown) {
          shown = seen;
          io.onState?.(info.state === 'PENDING' ? 'queued' : 'running');
          io.log(`${step.name}: slurm job ${id} ${info.state.toLowerCase()}${info.state === 'RUNNING' ? ` on ${node}` : info.reason && info.reason !== 'None' ? ` (${info.reason})` : ''}`);
        }
        if (info.state === 'PENDING' && info.reason === 'DependencyNeverSatisfied') {
          await this.client.scancel(id).catch(() => undefined);
          throw new Error(`${step.name}: slurm job ${id} cancelled, a step it starts from (${(step.after ?? []).join(', ')}) failed`);
        }
        if (info.state === 'RUNNING') {
          runningSince ??= Date.now();
          if (readMarker(step.out, id) === null && Date.now() - runningSince > this.slurm.visibleWithin * 1000) {
            await this.client.scancel(id).catch(() => undefined);
            throw new Error(notShared(step, id, node, `has been running for ${this.slurm.visibleWithin} s`));
          }
        }
      }
    } finally {
      if (abort) io.signal?.removeEventListener('abort', abort);
    }
  }

  /** scancel, then wait until the job has let go of the step folder (no two trainers write one checkpoint). */
  private async cancel(step: TrainerStep, io: EngineIo, id: string): Promise<never> {
    // A job that ended meanwhile refuses scancel: nothing left to stop.
    await this.client.scancel(id).catch((err: Error) => io.log(`${step.name}: ${err.message}`));
    io.log(`${step.name}: scancel ${id}`);
    for (let i = 0; i < 120; i++) {
      const info = await this.watcher.next(id).catch(() => null);
      if (!info || !isActive(info.state)) break;
    }
    throw cancelled(`${step.name}: cancelled (slurm job ${id}); its checkpoints stay (step ${newestCheckpoint(step.out)}), starting it again resumes`);
  }

  private async finish(step: TrainerStep, io: EngineIo, id: string, seen: JobInfo | null, node: string, resumedFrom: number, emit: () => void): Promise<TrainerResult> {
    // The exit file may show up a little after the job's end on a shared file system's cache.
    let exit = readExit(step.out, id);
    for (let i = 0; exit === null && i < 5; i++) {
      await sleep(1000);
      exit = readExit(step.out, id);
    }
    emit();
    const info = (await this.client.scontrolJob(id).catch(() => null)) ?? (await this.client.sacct(id)) ?? seen;
    node = info?.nodes || node || readMarker(step.out, id) || '?';
    const state = info?.state ?? 'unknown to the controller';
    const tail = () => `\n--- ${logPath(step.out, step.name, id)} (last lines) ---\n${logTail(step.out, step.name, id)}`;
    const resume = `; starting the step again resumes from checkpoint step ${newestCheckpoint(step.out)}`;
    const done = stepComplete(step.out, step.steps);
    if (exit === 0 && done !== null) {
      io.log(`${step.name}: slurm job ${id} completed on ${node} (step ${done})`);
      return { checkpoint: join(step.out, 'checkpoint.safetensors'), where: `slurm job ${id} on ${node} (${this.devices()})`, resumedFrom };
    }
    // The controller's word before the exit file: srun may even return 0 when its node fails.
    switch (info?.state) {
      case 'NODE_FAIL':
        throw new Error(`${step.name}: node ${node} failed (NODE_FAIL) under slurm job ${id}, which Slurm did not requeue${resume}${tail()}`);
      case 'TIMEOUT':
        throw new Error(`${step.name}: slurm job ${id} reached its time limit (slurm.time ${this.slurm.time})${resume}`);
      case 'CANCELLED':
        throw new Error(`${step.name}: slurm job ${id} was cancelled on the cluster (scancel by someone else, or preemption)${resume}`);
      case 'PREEMPTED':
      case 'OUT_OF_MEMORY':
      case 'BOOT_FAIL':
      case 'DEADLINE':
        throw new Error(`${step.name}: slurm job ${id} ended ${info.state} on ${node}${resume}${tail()}`);
    }
    if (exit === 0) throw new Error(`${step.name}: slurm job ${id} ended (exit 0, ${state}) without its final checkpoint in ${step.out}${tail()}`);
    if (exit !== null) throw new Error(`${step.name}: slurm job ${id} failed on ${node}: the trainer exited with status ${exit} (${state})${tail()}`);
    if (readMarker(step.out, id) === null) throw new Error(notShared(step, id, node, `ended (${state})`) + tail());
    if (info && info.state !== 'COMPLETED') throw new Error(`${step.name}: slurm job ${id} failed on ${node} before the trainer started (${state}, exit ${info.exitCode ?? '?'})${tail()}`);
    throw new Error(`${step.name}: slurm job ${id} vanished (${state}) without writing its exit status: its node ${node} may have failed${resume}${tail()}`);
  }
}

function notShared(step: TrainerStep, id: string, node: string, what: string): string {
  return `${step.name}: slurm job ${id} ${what} on ${node || 'its node'} but its marker never appeared in ${jobDir(step.out)}: the run folder must be on a file system the workstation and the cluster's nodes both see, at the same path (docs/cluster.md)`;
}
