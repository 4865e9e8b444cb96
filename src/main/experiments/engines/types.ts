// The contract between the experiment runner and the engines that train outside TensorFlow.js.
// Every such engine runs the same PyTorch trainer (cluster/openecg_cluster/train.py) with the
// same arguments; they differ only in where: a child process here ('torch') or a Slurm job
// ('slurm'). The runner turns the trainer's checkpoint into a bundle and scores it itself, so a
// run folder looks the same whatever trained it.

/** The experiment config's `engine`: who trains each step. */
export type TrainingEngineName = 'tfjs' | 'torch' | 'slurm' | 'auto';

/** One invocation of the PyTorch trainer: `python3 -m openecg_cluster.train <trainerArgs(step)>`. */
export interface TrainerStep {
  /** The step's name in the run (also the Slurm job name), e.g. 'pretrain-simclr-fold-ptbxl'. */
  readonly name: string;
  readonly task: 'pretrain' | 'probe' | 'finetune';
  /** The experiment config JSON file the trainer reads (config.py). */
  readonly config: string;
  /** Which entry of the config's methods[] (pre-training). */
  readonly methodIndex?: number;
  /** A shard export folder (experiments/export/shards.ts) holding the step's records. */
  readonly shards: string;
  /** Split parts to train on (default ['train']). */
  readonly parts?: readonly string[];
  /** A checkpoint.safetensors to start from (probe/fine-tune); absent: random weights. */
  readonly init?: string;
  readonly steps?: number;
  readonly batchSize?: number;
  readonly checkpointEvery?: number;
  /** The trainer's folder: checkpoints, metrics.jsonl, losses.json, checkpoint.safetensors. */
  readonly out: string;
  /** Names of steps whose checkpoint this one starts from (Slurm: afterok dependencies). */
  readonly after?: readonly string[];
}

/** One line of the trainer's metrics.jsonl (train.py metric()). */
export interface TrainerMetric {
  readonly step: number;
  readonly total_steps: number;
  readonly loss: number;
  readonly lr: number;
  readonly seconds: number;
  readonly samples_per_s: number;
  readonly world_size: number;
}

export interface EngineIo {
  readonly signal?: AbortSignal;
  /** Each new metrics line, in step order (a resumed step starts after its checkpoint). */
  onMetric(m: TrainerMetric): void;
  log(line: string): void;
  /** The trainer's job changed between waiting in the cluster's queue and running (Slurm; progress labels). */
  onState?(state: 'queued' | 'running'): void;
}

/** Where a step's trainer ran and what it left: `${out}/checkpoint.safetensors`. */
export interface TrainerResult {
  readonly checkpoint: string;
  /** e.g. 'torch 1.13.0 (cpu, 2 threads)' or 'slurm job 42 on node1 (cuda x2)'. */
  readonly where: string;
  readonly resumedFrom: number;
}

/**
 * An engine runs trainer steps to completion. start() returns at once; steps whose `after` are
 * still running wait for them (Slurm: as dependencies, so independent folds run side by side).
 * Cancelling through io.signal stops the trainer (its checkpoints stay); starting the same step
 * again resumes from its newest checkpoint. A failed trainer rejects with the log's tail.
 */
export interface TrainingEngine {
  readonly name: 'torch' | 'slurm';
  start(step: TrainerStep, io: EngineIo): Promise<TrainerResult>;
}

/** The trainer's command-line arguments for a step (one place, so every engine runs the same thing). */
export function trainerArgs(step: TrainerStep, extra: { device?: 'auto' | 'cpu' | 'cuda'; threads?: number; workers?: number } = {}): string[] {
  const a = ['-m', 'openecg_cluster.train', '--config', step.config, '--shards', step.shards, '--out', step.out, '--task', step.task];
  if (step.methodIndex !== undefined) a.push('--method-index', String(step.methodIndex));
  if (step.init) a.push('--init', step.init);
  if (step.parts?.length) a.push('--parts', step.parts.join(','));
  if (step.steps !== undefined) a.push('--steps', String(step.steps));
  if (step.batchSize !== undefined) a.push('--batch-size', String(step.batchSize));
  if (step.checkpointEvery !== undefined) a.push('--checkpoint-every', String(step.checkpointEvery));
  if (extra.device) a.push('--device', extra.device);
  if (extra.threads) a.push('--threads', String(extra.threads));
  if (extra.workers !== undefined) a.push('--workers', String(extra.workers));
  return a;
}

/** start() rejects with this when io.signal stopped the trainer: its checkpoints stay, start again to resume. */
export class TrainerCancelled extends Error {
  constructor(step: string, message?: string) {
    super(message ?? `${step}: trainer stopped on request (its checkpoints stay; resume continues from the newest)`);
    this.name = 'TrainerCancelled';
  }
}

/** start() rejects with this when the trainer failed: a one-line reason, then the tail of its log. */
export class TrainerFailed extends Error {
  constructor(
    step: string,
    readonly reason: string,
    readonly tail: readonly string[],
  ) {
    super(`${step}: ${reason}${tail.length ? `\n--- trainer log (last ${tail.length} lines) ---\n${tail.join('\n')}` : ''}`);
    this.name = 'TrainerFailed';
  }
}
