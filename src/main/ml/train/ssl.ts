// Self-supervised pre-training: SimCLR, BYOL or MAE on unlabelled canonical records, with
// checkpoints and exact resume (weights, optimiser moments, BYOL target, step; data, views and
// masks are drawn by step).
import { BundleError, assignWeights, saveBundle, type BundleTask } from '../bundle.js';
import { latestCheckpoint, writeCheckpoint, type CheckpointSettings } from '../checkpoint.js';
import type { Normalisation } from '../normalize.js';
import { createSslMethod, type SslKind, type SslMethod, type SslOptions } from '../ssl/index.js';
import { countParameters } from '../models/index.js';
import { DataParallelTrainer } from '../parallel/data-parallel.js';
import { Adam } from './adam.js';
import { bundleMeta, sameArchitecture, scheduleOf, withRoutes } from './common.js';
import type { RecordSource } from './data.js';
import { pinRunRoutes } from '../kernels/route-cache.js';
import { runLoop, type OptimConfig, type TrainEvents } from './loop.js';
import { Replica } from './replica.js';
import { sslTask, type TaskSpec } from './task.js';
import { trainWorkers } from './workers.js';

export interface SslTrainConfig extends SslOptions, OptimConfig {
  readonly method: SslKind;
  /** Seed of the views, masks and (unless modelOptions.seed is set) the initial weights. */
  readonly seed?: number;
  readonly normalisation?: Normalisation;
  readonly checkpoint?: CheckpointSettings;
  /** Continue from the newest checkpoint in checkpoint.dir if there is one. */
  readonly resume?: boolean;
  /** Identifies the data (e.g. a catalog snapshot and split); recorded in the bundle. */
  readonly dataSnapshot?: string;
}

/** Default learning rates (docs/defaults.md): Adam 1e-3 for SimCLR/BYOL, AdamW 1.5e-4 for MAE. */
export const SSL_DEFAULTS: Readonly<Record<SslKind, { learningRate: number; weightDecay: number; beta2: number }>> = {
  simclr: { learningRate: 1e-3, weightDecay: 1e-6, beta2: 0.999 },
  byol: { learningRate: 1e-3, weightDecay: 1e-6, beta2: 0.999 },
  mae: { learningRate: 1.5e-4, weightDecay: 0.05, beta2: 0.95 },
};

export interface SslRun {
  /** The trained method (encoder, heads); the caller disposes it. */
  readonly method: SslMethod;
  readonly losses: number[];
  readonly startStep: number;
  readonly endStep: number;
  readonly stopped: boolean;
  readonly checkpoint?: string;
  /** Writes the trained model as a bundle without optimiser state. */
  save(dir: string): void;
}

export async function trainSsl(config: SslTrainConfig, data: RecordSource, events?: TrainEvents): Promise<SslRun> {
  const seed = config.seed ?? 1;
  const modelOptions = { ...config.modelOptions, seed: config.modelOptions?.seed ?? seed };
  const normalisation = config.normalisation ?? 'zscore-per-lead';
  const defaults = SSL_DEFAULTS[config.method];
  const { method: _kind, steps: _steps, batchSize: _batch, learningRate: _lr, weightDecay: _wd, schedule: _schedule, warmupSteps: _warmup, workers: _workers, seed: _seed, normalisation: _norm, checkpoint: _ckpt, resume: _resume, dataSnapshot: _snapshot, ...options } = config;
  const spec: TaskSpec = {
    kind: 'ssl',
    method: config.method,
    options: jsonClone({ ...options, modelOptions }),
    seed,
    normalisation,
    adam: { weightDecay: config.weightDecay ?? defaults.weightDecay, beta2: defaults.beta2 },
  };
  const method = createSslMethod(config.method, spec.options);
  const replica = new Replica(sslTask(spec, method), new Adam(spec.adam));
  const adam = replica.adam;
  const task = `pretrain-${config.method}` as BundleTask;
  const meta = () => bundleMeta({ task, model: method.encoder, modelOptions, normalisation, seed, config, dataSnapshot: config.dataSnapshot, method: method.settings });
  let trainer: DataParallelTrainer | undefined;
  try {
    let startStep = 0;
    if (config.resume && config.checkpoint) {
      // Before any kernel runs: the routes this run started with win over the machine's cache.
      pinRunRoutes(config.checkpoint.dir);
      const found = latestCheckpoint(config.checkpoint.dir);
      if (found) {
        const { json, weights, training } = found.bundle;
        const want = meta();
        if (json.task !== task || !sameArchitecture(json.architecture, want.architecture)) {
          throw new BundleError('mismatch', `${found.bundle.dir}: checkpoint of ${json.task} ${json.architecture.name} cannot resume ${task} ${want.architecture.name} with these options`);
        }
        assignWeights(method.state, weights, { source: found.bundle.dir });
        adam.load(training!.optimizer, training!.step, method.trainable);
        startStep = training!.step;
      }
    }
    const { workers } = trainWorkers(config.workers, countParameters(method.encoder.params), config.batchSize);
    trainer = await DataParallelTrainer.open(replica, workers);
    const dp = trainer;
    const result = await runLoop({
      startStep,
      totalSteps: config.steps,
      batchSize: config.batchSize,
      dataSize: data.size,
      schedule: scheduleOf(config, defaults.learningRate),
      checkpointEvery: config.checkpoint?.every ?? 0,
      workers,
      events,
      step(step, lr) {
        const inputs = replica.task.prepare(data.next(config.batchSize, step), config.batchSize, step);
        return dp.step(inputs, config.batchSize, step, lr, config.steps);
      },
      checkpoint: config.checkpoint
        ? (step, lastLoss) => withRoutes(config.checkpoint!.dir, writeCheckpoint(config.checkpoint!, meta(), method.state, { step, totalSteps: config.steps, lastLoss, optimizer: adam.state() }))
        : undefined,
    });
    return { method, ...result, save: (dir) => saveBundle(dir, meta(), method.state) };
  } catch (err) {
    method.dispose();
    throw err;
  } finally {
    await trainer?.close();
    adam.dispose();
  }
}

/** A plain-data copy (what a worker thread receives). */
function jsonClone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Rebuilds an SSL method from a pre-training bundle's architecture and settings (weights not loaded). */
export function sslMethodFor(json: { task: string; architecture: { name: string; options: object }; method?: Record<string, unknown> }): SslMethod {
  const kind = json.task.replace(/^pretrain-/, '') as SslKind;
  if (!['simclr', 'byol', 'mae'].includes(kind)) throw new BundleError('mismatch', `a ${json.task} bundle is not a pre-training bundle`);
  return createSslMethod(kind, { ...(json.method ?? {}), model: json.architecture.name as SslOptions['model'], modelOptions: json.architecture.options });
}

