// What one training run optimises, built the same way in this thread and in every data-parallel
// worker: a self-supervised method or a supervised classifier, described by a plain (cloneable)
// spec. The coordinator turns a raw batch into the step's inputs (normalised, augmented, views),
// arrays of one row per record, so a worker given a share of the rows computes that share's loss.
import * as tf from '@tensorflow/tfjs-core';
import { augmentBatch, augmentConfig, NO_AUGMENT, type AugmentOverrides } from '../augment.js';
import { createModel, type BatchNormUpdate, type EcgModel, type ModelName, type ModelOptions } from '../models/index.js';
import { normalizeBatch, type Normalisation } from '../normalize.js';
import { deriveSeed } from '../rng.js';
import { createSslMethod, type SslKind, type SslMethod, type SslOptions } from '../ssl/index.js';
import type { AdamSettings } from './adam.js';
import type { LabelledBatch } from './data.js';

export type TaskSpec =
  | { readonly kind: 'ssl'; readonly method: SslKind; readonly options: SslOptions; readonly seed: number; readonly normalisation: Normalisation; readonly adam: AdamSettings }
  | {
      readonly kind: 'supervised';
      readonly mode: 'probe' | 'finetune';
      readonly model: ModelName;
      readonly modelOptions: ModelOptions;
      readonly seed: number;
      readonly normalisation: Normalisation;
      readonly augment?: AugmentOverrides;
      readonly adam: AdamSettings;
    };

export interface ShareContext {
  /** Optimiser step (0-based). */
  readonly step: number;
  /** Index in the whole batch of the share's first record. */
  readonly first: number;
}

/** A share's loss, built from its inputs; dispose frees what was computed outside the gradient tape. */
export interface Objective {
  loss(updates: BatchNormUpdate[]): tf.Scalar;
  dispose(): void;
}

export interface TrainTask {
  readonly spec: TaskSpec;
  /** What the optimiser updates, by bundle name. */
  readonly trainable: ReadonlyMap<string, tf.Variable>;
  /** Every variable the replicas keep equal (trainable ones, running statistics, BYOL's target). */
  readonly state: ReadonlyMap<string, tf.Variable>;
  /** The network whose logits `infer` gives (supervised) or the encoder (pre-training). */
  readonly model: EcgModel;
  /** Rows per record of the step's inputs, from a raw batch of n records. */
  prepare(raw: Float32Array | LabelledBatch, n: number, step: number): Float32Array[];
  objective(inputs: readonly Float32Array[], n: number, ctx: ShareContext): Objective;
  /** Set when the loss couples the batch's records (SimCLR): shares embed, the loss is over all of them. */
  readonly coupled?: {
    embed(inputs: readonly Float32Array[], n: number, ctx: ShareContext, updates: BatchNormUpdate[]): tf.Tensor2D[];
    loss(parts: readonly tf.Tensor2D[]): tf.Scalar;
  };
  afterStep(step: number, totalSteps: number): void;
  dispose(): void;
}

/** binary cross-entropy with logits, mean(max(z,0) - z*y + log(1 + exp(-|z|))): numerically stable. */
export function bceWithLogits(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const loss = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, labels)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
    return tf.mean(loss) as tf.Scalar;
  });
}

export function sslTask(spec: Extract<TaskSpec, { kind: 'ssl' }>, method: SslMethod): TrainTask & { readonly method: SslMethod } {
  const { leads, samples } = method.encoder;
  const { seed } = spec;
  const coupled = method.coupled;
  return {
    spec,
    method,
    trainable: method.trainable,
    state: method.state,
    model: method.encoder,
    prepare(raw, n, step) {
      if (!(raw instanceof Float32Array)) throw new TypeError('pre-training takes unlabelled records');
      if (raw.length !== n * leads * samples) throw new RangeError(`data source gave ${raw.length} values for a batch of ${n} x ${leads} x ${samples}`);
      return method.views(normalizeBatch(raw, n, leads, spec.normalisation).data, n, { step, seed });
    },
    objective(inputs, n, ctx) {
      return { loss: (updates) => method.loss(inputs, n, { step: ctx.step, seed, first: ctx.first, updates }), dispose() {} };
    },
    ...(coupled
      ? { coupled: { embed: (inputs: readonly Float32Array[], n: number, ctx: ShareContext, updates: BatchNormUpdate[]) => coupled.embed(inputs, n, { step: ctx.step, seed, first: ctx.first, updates }), loss: (parts: readonly tf.Tensor2D[]) => coupled.loss(parts) } }
      : {}),
    afterStep: (step, total) => method.afterStep(step, total),
    dispose: () => method.dispose(),
  };
}

export function supervisedTask(spec: Extract<TaskSpec, { kind: 'supervised' }>, model: EcgModel): TrainTask {
  const { leads, samples, classes } = model;
  const head = new Map(model.headNames.map((n) => [n, model.params.get(n)!]));
  const [weight, bias] = model.headNames.map((n) => model.params.get(n)!);
  const augment = augmentConfig(spec.augment, NO_AUGMENT);
  return {
    spec,
    trainable: spec.mode === 'probe' ? head : model.params,
    state: new Map([...model.params, ...model.buffers]),
    model,
    prepare(raw, n, step) {
      if (raw instanceof Float32Array) throw new TypeError('supervised training takes labelled records');
      if (raw.x.length !== n * leads * samples || raw.y.length !== n * classes) throw new RangeError(`data source gave x ${raw.x.length} / y ${raw.y.length} values for a batch of ${n} x ${leads} x ${samples} / ${n} x ${classes}`);
      const normed = normalizeBatch(raw.x, n, leads, spec.normalisation).data;
      return [augmentBatch(normed, n, leads, augment, deriveSeed(spec.seed, step, 1)), raw.y];
    },
    objective(inputs, n) {
      const x = tf.tensor3d(inputs[0], [n, leads, samples]);
      const y = tf.tensor2d(inputs[1], [n, classes]);
      if (spec.mode === 'probe') {
        // Frozen backbone: features in inference mode, outside the gradient tape.
        const features = model.apply(x, { training: false, output: 'embedding' });
        return { loss: () => bceWithLogits(tf.add(tf.matMul(features, weight as tf.Tensor2D), bias), y), dispose: () => tf.dispose([x, y, features]) };
      }
      return { loss: (updates) => bceWithLogits(model.apply(x, { training: true, updates }), y), dispose: () => tf.dispose([x, y]) };
    },
    afterStep() {},
    dispose: () => model.dispose(),
  };
}

/** The task a spec describes, freshly initialised (a worker then takes the coordinator's state). */
export function buildTask(spec: TaskSpec): TrainTask {
  if (spec.kind === 'ssl') return sslTask(spec, createSslMethod(spec.method, spec.options));
  return supervisedTask(spec, createModel(spec.model, spec.modelOptions));
}
