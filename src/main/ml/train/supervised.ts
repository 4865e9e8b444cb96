// Supervised training on the 24 classes with binary cross-entropy: a linear probe (the backbone
// frozen in inference mode, only its Linear(embedding, 24) head trained) or full fine-tuning.
// The backbone may start from a pre-training bundle (its encoder.* weights) or a classifier bundle.
import * as tf from '@tensorflow/tfjs-core';
import { CLASS_COUNT } from '../../../shared/classes.js';
import { augmentBatch, augmentConfig, NO_AUGMENT, type AugmentOverrides } from '../augment.js';
import { BundleError, assignWeights, readBundle, saveBundle } from '../bundle.js';
import { latestCheckpoint, writeCheckpoint, type CheckpointSettings } from '../checkpoint.js';
import { createModel, type EcgModel, type ModelName, type ModelOptions } from '../models/index.js';
import { normalizeBatch, type Normalisation } from '../normalize.js';
import { deriveSeed } from '../rng.js';
import { bceWithLogits } from '../train-step.js';
import { Adam } from './adam.js';
import { bundleMeta, sameArchitecture, scheduleOf } from './common.js';
import type { LabelledSource } from './data.js';
import { gradientStep, runLoop, type OptimConfig, type TrainEvents } from './loop.js';

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
  const all = new Map([...model.params, ...model.buffers]);
  const head = new Map(model.headNames.map((n) => [n, model.params.get(n)!]));
  const trainable = config.mode === 'probe' ? head : model.params;
  const augment = augmentConfig(config.augment, NO_AUGMENT);
  const adam = new Adam({ weightDecay: config.weightDecay ?? defaults.weightDecay });
  const task = config.mode === 'probe' ? 'probe' : 'classifier';
  const meta = () => bundleMeta({ task, model, modelOptions, normalisation, seed, config, dataSnapshot: config.dataSnapshot });
  try {
    let startStep = 0;
    if (config.resume && config.checkpoint) {
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
    const { leads, samples, classes } = model;
    const [weight, bias] = model.headNames.map((n) => model.params.get(n)!);
    const result = await runLoop({
      startStep,
      totalSteps: config.steps,
      batchSize: config.batchSize,
      dataSize: data.size,
      schedule: scheduleOf(config, defaults.learningRate),
      checkpointEvery: config.checkpoint?.every ?? 0,
      events,
      step(step, lr) {
        const n = config.batchSize;
        const batch = data.next(n, step);
        if (batch.x.length !== n * leads * samples || batch.y.length !== n * classes) throw new RangeError(`data source gave x ${batch.x.length} / y ${batch.y.length} values for a batch of ${n} x ${leads} x ${samples} / ${n} x ${classes}`);
        const normed = normalizeBatch(batch.x, n, leads, normalisation).data;
        const input = augmentBatch(normed, n, leads, augment, deriveSeed(seed, step, 1));
        const x = tf.tensor3d(input, [n, leads, samples]);
        const y = tf.tensor2d(batch.y, [n, classes]);
        try {
          if (config.mode === 'probe') {
            // Frozen backbone: features in inference mode, outside the gradient tape.
            const features = model.apply(x, { training: false, output: 'embedding' });
            try {
              return gradientStep(trainable, () => bceWithLogits(tf.add(tf.matMul(features, weight as tf.Tensor2D), bias), y), adam, lr);
            } finally {
              features.dispose();
            }
          }
          return gradientStep(trainable, (updates) => bceWithLogits(model.apply(x, { training: true, updates }), y), adam, lr);
        } finally {
          tf.dispose([x, y]);
        }
      },
      checkpoint: config.checkpoint
        ? (step, lastLoss) => writeCheckpoint(config.checkpoint!, meta(), all, { step, totalSteps: config.steps, lastLoss, optimizer: adam.state() })
        : undefined,
    });
    return { model, ...result, save: (dir) => saveBundle(dir, meta(), all) };
  } catch (err) {
    model.dispose();
    throw err;
  } finally {
    adam.dispose();
  }
}
