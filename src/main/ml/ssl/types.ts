// What every self-supervised method offers the training loop and the model bundle.
import type * as tf from '@tensorflow/tfjs-core';
import type { BatchNormUpdate, EcgModel } from '../models/index.js';

export const SSL_METHODS = ['simclr', 'byol', 'mae'] as const;
export type SslKind = (typeof SSL_METHODS)[number];

export interface SslStepContext {
  /** Optimiser step being computed (0-based): seeds this step's views and masks. */
  readonly step: number;
  /** The run's seed. */
  readonly seed: number;
  /** Training-mode BatchNorm statistics, applied by the loop after the optimiser step. */
  readonly updates: BatchNormUpdate[];
  /** Index in the whole batch of this share's first record (data-parallel workers take shares). */
  readonly first: number;
}

/**
 * A loss that couples the records of a batch (SimCLR's negatives): each share embeds its records,
 * the loss is taken over the whole batch's embeddings, so its value does not depend on the split.
 */
export interface CoupledLoss {
  /** Per view, the share's embeddings [n, d] (inside tf.variableGrads when training). */
  embed(views: readonly Float32Array[], n: number, ctx: SslStepContext): tf.Tensor2D[];
  /** The loss over the whole batch's embeddings, per view in record order. */
  loss(parts: readonly tf.Tensor2D[]): tf.Scalar;
}

export interface SslMethod {
  readonly kind: SslKind;
  /** The backbone being pre-trained; its weights are what downstream tasks take over. */
  readonly encoder: EcgModel;
  /** The method's settings, as written into the bundle (head sizes, temperature, momentum...). */
  readonly settings: Readonly<Record<string, unknown>>;
  /** What the optimiser updates, by bundle name ('encoder.<name>', 'projector.<name>', ...). */
  readonly trainable: ReadonlyMap<string, tf.Variable>;
  /** Every variable a bundle keeps (trainable ones, running statistics, BYOL's target, the unused encoder head). */
  readonly state: ReadonlyMap<string, tf.Variable>;
  /**
   * The step's inputs from a batch of normalised records x (n x leads x T): each array has n
   * records' rows (augmented views), drawn by step and record, so any share of them is the same
   * whichever worker takes it.
   */
  views(x: Float32Array, n: number, ctx: Pick<SslStepContext, 'step' | 'seed'>): Float32Array[];
  /** Loss on n records' views (a share of the batch, or all of it); runs inside tf.variableGrads. */
  loss(views: readonly Float32Array[], n: number, ctx: SslStepContext): tf.Scalar;
  /** Set when the loss couples the batch's records: data-parallel training gathers embeddings. */
  readonly coupled?: CoupledLoss;
  /** After each optimiser step (BYOL moves its target). */
  afterStep(step: number, totalSteps: number): void;
  dispose(): void;
}

/** Prefixes every name of a model's map, e.g. 'encoder.' + '0.weight'. */
export function prefixed(prefix: string, ...maps: ReadonlyMap<string, tf.Variable>[]): Map<string, tf.Variable> {
  const out = new Map<string, tf.Variable>();
  for (const m of maps) for (const [k, v] of m) out.set(prefix + k, v);
  return out;
}

/** A model's parameters except its classification head (which pre-training never reaches). */
export function bodyParams(model: EcgModel): Map<string, tf.Variable> {
  const head = new Set(model.headNames);
  return new Map([...model.params].filter(([k]) => !head.has(k)));
}
