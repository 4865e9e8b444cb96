// Supervised training on the 24 classes with binary cross-entropy: a linear probe (the backbone
// frozen in inference mode, only its Linear(embedding, 24) head trained) or full fine-tuning.
// The backbone may start from a pre-training bundle (its encoder.* weights) or a classifier bundle.
import { CLASS_COUNT } from '../../../shared/classes.js';
import type { AugmentOverrides } from '../augment.js';
import { BundleError, assignWeights, readBundle, saveBundle } from '../bundle.js';
import { latestCheckpoint, writeCheckpoint, type CheckpointSettings } from '../checkpoint.js';
import { countParameters, createModel, type EcgModel, type ModelName, type ModelOptions } from '../models/index.js';
import type { Normalisation } from '../normalize.js';
import { DataParallelTrainer } from '../parallel/data-parallel.js';
import { Adam } from './adam.js';
import { bundleMeta, sameArchitecture, scheduleOf, withRoutes } from './common.js';
import type { LabelledSource } from './data.js';
import { pinRunRoutes } from '../kernels/route-cache.js';
import { runLoop, type OptimConfig, type TrainEvents } from './loop.js';
import { Replica } from './replica.js';
import { supervisedTask, type TaskSpec } from './task.js';
import { trainWorkers } from './workers.js';

export type SupervisedMode = 'probe' | 'finetune';

export interface SupervisedConfig extends OptimConfig {
  readonly mode: SupervisedMode;
  /** Backbone when not taken from `init`. */
  readonly model?: ModelName;
  readonly modelOptions?: ModelOptions;
  /** A bundle to start from: pre-training (encoder weights, fresh head) or classifier/probe (all weights). */
  readonly init?: string;
  readonly seed?: number;
  readonly normalisation?: Normalisation;
  /** Off by default. */
  readonly augment?: AugmentOverrides;
  readonly checkpoint?: CheckpointSettings;
  readonly resume?: boolean;
  readonly dataSnapshot?: string;
}

/** Default learning rates (docs/defaults.md): 1e-3 for a probe, 1e-4 for fine-tuning. */
export const SUPERVISED_DEFAULTS: Readonly<Record<SupervisedMode, { learningRate: number; weightDecay: number }>> = {
  probe: { learningRate: 1e-3, weightDecay: 0 },
  finetune: { learningRate: 1e-4, weightDecay: 1e-4 },
};

export interface SupervisedRun {
  /** The trained classifier; the caller disposes it. */
  readonly model: EcgModel;
  readonly losses: number[];
  readonly startStep: number;
  readonly endStep: number;
  readonly stopped: boolean;
  readonly checkpoint?: string;
  save(dir: string): void;
}

/** A classifier built as `init` describes it (or as the config does), with the init weights loaded. */
function buildModel(config: SupervisedConfig, seed: number): { model: EcgModel; modelOptions: ModelOptions } {
  if (!config.init) {
    const modelOptions = { ...config.modelOptions, classes: CLASS_COUNT, seed: config.modelOptions?.seed ?? seed };
    return { model: createModel(config.model ?? 'resnet50_1d', modelOptions), modelOptions };
  }
  const bundle = readBundle(config.init);
  const arch = bundle.json.architecture;
  if (config.model && config.model !== arch.name) throw new BundleError('mismatch', `${config.init} holds a ${arch.name}, the configuration asks for ${config.model}`);
  const pretrain = bundle.json.task.startsWith('pretrain-');
  const modelOptions = { ...arch.options, classes: CLASS_COUNT, seed: pretrain ? seed : arch.options.seed };
  const model = createModel(arch.name, modelOptions);
  try {
    if (pretrain) {
      const skip = new Set(model.headNames);
      assignWeights(model.params, bundle.weights, { prefix: 'encoder.', skip, source: config.init });
      assignWeights(model.buffers, bundle.weights, { prefix: 'encoder.', source: config.init });
    } else {
      assignWeights(new Map([...model.params, ...model.buffers]), bundle.weights, { source: config.init });
    }
  } catch (err) {
    model.dispose();
    throw err;
  }
  return { model, modelOptions };
}

export async function trainSupervised(config: SupervisedConfig, data: LabelledSource, events?: TrainEvents): Promise<SupervisedRun> {
  const seed = config.seed ?? 1;
  const normalisation = config.normalisation ?? 'zscore-per-lead';
  const defaults = SUPERVISED_DEFAULTS[config.mode];
  const { model, modelOptions } = buildModel(config, seed);
  const spec: TaskSpec = {
    kind: 'supervised',
    mode: config.mode,
    model: model.name,
    modelOptions: JSON.parse(JSON.stringify(modelOptions)) as ModelOptions,
    seed,
    normalisation,
    ...(config.augment ? { augment: JSON.parse(JSON.stringify(config.augment)) as AugmentOverrides } : {}),
    adam: { weightDecay: config.weightDecay ?? defaults.weightDecay },
  };
  const replica = new Replica(supervisedTask(spec, model), new Adam(spec.adam));
  const { adam } = replica;
  const all = new Map([...model.params, ...model.buffers]);
  const trainable = replica.task.trainable;
  const task = config.mode === 'probe' ? 'probe' : 'classifier';
  const meta = () => bundleMeta({ task, model, modelOptions, normalisation, seed, config, dataSnapshot: config.dataSnapshot });
  let trainer: DataParallelTrainer | undefined;
  try {
    let startStep = 0;
    if (config.resume && config.checkpoint) {
      // Before any kernel runs: the routes this run started with win over the machine's cache.
      pinRunRoutes(config.checkpoint.dir);
      const found = latestCheckpoint(config.checkpoint.dir);
      if (found) {
        const { json, weights, training } = found.bundle;
        if (json.task !== task || !sameArchitecture(json.architecture, meta().architecture)) {
          throw new BundleError('mismatch', `${found.bundle.dir}: checkpoint of a ${json.task} ${json.architecture.name} cannot resume this ${task} run`);
        }
        assignWeights(all, weights, { source: found.bundle.dir });
        adam.load(training!.optimizer, training!.step, trainable);
        startStep = training!.step;
      }
    }
    // The network's size decides (a probe's forward pass through the frozen backbone is its cost).
    const { workers } = trainWorkers(config.workers, countParameters(model.params), config.batchSize);
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
        ? (step, lastLoss) => withRoutes(config.checkpoint!.dir, writeCheckpoint(config.checkpoint!, meta(), all, { step, totalSteps: config.steps, lastLoss, optimizer: adam.state() }))
        : undefined,
    });
    return { model, ...result, save: (dir) => saveBundle(dir, meta(), all) };
  } catch (err) {
    model.dispose();
    throw err;
  } finally {
    await trainer?.close();
    adam.dispose();
  }
}
