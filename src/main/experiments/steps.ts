// The two kinds of experiment step: pre-train one method on a pool of records, and train a
// downstream head (probe or fine-tune) from a pre-trained encoder, pick thresholds on validation
// records and score the test records. Both checkpoint into their own folder and resume from it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { trainSsl, trainSupervised, type EnginePreference, type ProgressEvent, type SupervisedConfig, type TrainEvents } from '../ml/index.js';
import type { ShardStore } from '../signal/store.js';
import { stepsOf, type Budget, type MethodConfig } from './config.js';
import { labelledStoreSource, storeSource, type RecordRef } from './data.js';
import type { Evaluation } from './metrics/index.js';
import type { BackboneSpec } from './plan.js';
import { readJson, writeJsonAtomic } from './run-folder.js';
import { scoreBundle } from './score.js';

/** Thrown when a stop request ended a step early; its checkpoint is on disk, its record is not. */
export class StepCancelled extends Error {
  constructor(step: string) {
    super(`${step}: stopped on request (checkpoint written)`);
    this.name = 'StepCancelled';
  }
}

export interface StepIo {
  readonly store: ShardStore;
  readonly signal?: AbortSignal;
  /** Steps done of this step's total (training steps; inference batches). */
  onProgress?(done: number, total: number, loss: number | null): void;
}

/**
 * The loss curve of a training step, kept beside its checkpoints so a resumed step reports the
 * whole curve. A crash between a checkpoint and this file leaves null for the steps it lost.
 */
class Curve {
  private readonly file: string;
  readonly values: (number | null)[];
  constructor(dir: string) {
    this.file = join(dir, 'losses.json');
    this.values = existsSync(this.file) ? readJson<(number | null)[]>(this.file) : [];
  }
  add(e: ProgressEvent): void {
    while (this.values.length < e.step - 1) this.values.push(null);
    this.values[e.step - 1] = e.loss;
    this.values.length = e.step;
  }
  save(step: number): void {
    writeJsonAtomic(this.file, this.values.slice(0, step));
  }
  /** The training loop's events: cancel by the step's signal, each loss into the curve and the step's progress (of `total`), the curve saved with each checkpoint. */
  events(io: StepIo, total: number): TrainEvents {
    return {
      signal: io.signal,
      onProgress: (e) => {
        this.add(e);
        io.onProgress?.(e.step, total, e.loss);
      },
      onCheckpoint: (_path, step) => this.save(step),
    };
  }
}

export interface PretrainResult {
  readonly bundle: string;
  readonly steps: number;
  readonly losses: (number | null)[];
  readonly resumedFrom: number;
}

export async function pretrain(
  name: string,
  args: { method: MethodConfig; budget: Budget & { checkpointEvery: number }; seed: number; refs: readonly RecordRef[]; checkpointDir: string; bundleDir: string; dataSnapshot: string },
  io: StepIo,
): Promise<PretrainResult> {
  const { method: m, budget } = args;
  const steps = stepsOf(budget, args.refs.length);
  const curve = new Curve(args.checkpointDir);
  const run = await trainSsl(
    {
      method: m.method,
      ...(m.backbone ? { model: m.backbone } : {}),
      modelOptions: { width: m.width, depth: m.depth },
      ...m.options,
      steps,
      batchSize: budget.batchSize,
      learningRate: m.learningRate ?? budget.learningRate,
      weightDecay: m.weightDecay ?? budget.weightDecay,
      schedule: budget.schedule,
      warmupSteps: budget.warmupSteps,
      ...(budget.workers !== undefined ? { workers: budget.workers } : {}),
      seed: args.seed,
      checkpoint: { dir: args.checkpointDir, every: budget.checkpointEvery },
      resume: true,
      dataSnapshot: args.dataSnapshot,
    },
    storeSource(io.store, args.refs, args.seed),
    curve.events(io, steps),
  );
  try {
    if (run.stopped) throw new StepCancelled(name);
    run.save(args.bundleDir);
    curve.save(run.endStep);
    return { bundle: args.bundleDir, steps, losses: curve.values, resumedFrom: run.startStep };
  } finally {
    run.method.dispose();
  }
}

export interface DownstreamResult {
  readonly bundle: string;
  readonly steps: number;
  readonly losses: (number | null)[];
  readonly resumedFrom: number;
  readonly thresholds: number[];
  readonly evaluation: Evaluation;
  readonly predictions: string;
}

export { predict } from './score.js';

/** The training configuration of a downstream step (probe, fine-tune, or a baseline from random weights). */
export function downstreamTrainConfig(args: { mode: 'probe' | 'finetune'; init: string | null; backbone?: BackboneSpec; budget: Budget; steps: number; seed: number; checkpointDir: string; checkpointEvery: number; dataSnapshot: string }): SupervisedConfig {
  const { budget, backbone } = args;
  return {
    mode: args.mode,
    ...(args.init !== null ? { init: args.init } : { model: backbone!.model, modelOptions: { width: backbone!.width, depth: backbone!.depth } }),
    steps: args.steps,
    batchSize: budget.batchSize,
    learningRate: budget.learningRate,
    weightDecay: budget.weightDecay,
    schedule: budget.schedule,
    warmupSteps: budget.warmupSteps,
    ...(budget.workers !== undefined ? { workers: budget.workers } : {}),
    seed: args.seed,
    checkpoint: { dir: args.checkpointDir, every: args.checkpointEvery },
    resume: true,
    dataSnapshot: args.dataSnapshot,
  };
}

export async function downstream(
  name: string,
  args: {
    mode: 'probe' | 'finetune';
    /** A pre-training bundle; null: the backbone below from random weights (the baselines). */
    init: string | null;
    /** Needed when init is null. */
    backbone?: BackboneSpec;
    budget: Budget;
    checkpointEvery: number;
    seed: number;
    train: readonly RecordRef[];
    val: readonly RecordRef[];
    test: readonly RecordRef[];
    bootstrap: number;
    evalBatch: number;
    /** Inference engine for validation and test scoring (default: OPENECG_ENGINE, else auto). */
    engine?: EnginePreference;
    checkpointDir: string;
    bundleDir: string;
    predictionsFile: string;
    dataSnapshot: string;
  },
  io: StepIo,
): Promise<DownstreamResult> {
  const { budget, backbone } = args;
  if (args.init === null && !backbone) throw new Error(`${name}: a model from random weights needs its backbone`);
  const steps = stepsOf(budget, args.train.length);
  const batches = Math.ceil((args.val.length + args.test.length) / args.evalBatch);
  const total = steps + batches;
  const curve = new Curve(args.checkpointDir);
  const run = await trainSupervised(
    downstreamTrainConfig({ ...args, steps }),
    labelledStoreSource(io.store, args.train, args.seed),
    curve.events(io, total),
  );
  try {
    if (run.stopped) throw new StepCancelled(name);
    run.save(args.bundleDir);
    curve.save(run.endStep);
  } finally {
    run.model.dispose();
  }
  let done = steps;
  const tick = () => io.onProgress?.(++done, total, null);
  const { thresholds, evaluation } = scoreBundle(args.bundleDir, { ...args, seed: args.seed }, io, tick);
  return { bundle: args.bundleDir, steps, losses: curve.values, resumedFrom: run.startStep, thresholds, evaluation, predictions: args.predictionsFile };
}
