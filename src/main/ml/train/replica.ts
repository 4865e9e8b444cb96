// One copy of a training task and its optimiser, in this thread or a data-parallel worker: the
// whole step on its own (one worker), or a share's gradients, then the averaged update every
// replica applies alike so they stay equal.
import * as tf from '@tensorflow/tfjs-core';
import { applyBatchNormUpdates, discardBatchNormUpdates, type BatchNormUpdate } from '../models/index.js';
import { explainWasmAbort } from '../backend.js';
import { flattenInto } from '../tensor-read.js';
import { Adam } from './adam.js';
import type { ShareContext, TrainTask } from './task.js';

/** One BatchNorm's batch statistics: per-channel mean and biased variance over `count` values. */
export interface BatchStats {
  readonly mean: Float32Array;
  readonly variance: Float32Array;
  readonly count: number;
}

/** Gives the array (of `size` values) a share's gradients are written into. */
export type GradientBuffer = (size: number) => Float32Array;

export interface ShareGradients {
  readonly loss: number;
  /** Gradients flat, in the order of `names` (the trainable variables the loss reaches). */
  readonly grads: Float32Array;
  readonly names: string[];
  readonly stats: BatchStats[];
}

/** Weights, running statistics and optimiser state: what makes another replica this one. */
export interface ReplicaState {
  readonly values: Map<string, Float32Array>;
  readonly optimizer: Map<string, Float32Array>;
  readonly step: number;
}

/**
 * One optimiser step: gradients of `loss` for the variables in `trainable` that it reaches, Adam,
 * then the batch statistics the forward pass collected. Returns the loss.
 */
export function gradientStep(trainable: ReadonlyMap<string, tf.Variable>, loss: (updates: BatchNormUpdate[]) => tf.Scalar, adam: Adam, lr: number): number {
  const updates: BatchNormUpdate[] = [];
  try {
    const { value, grads } = tf.variableGrads(() => loss(updates), [...trainable.values()]);
    const named = new Map<string, tf.Tensor>();
    for (const [name, v] of trainable) if (grads[v.name]) named.set(name, grads[v.name]);
    const out = value.dataSync()[0];
    value.dispose();
    adam.apply(trainable, named, lr);
    applyBatchNormUpdates(updates);
    return out;
  } catch (err) {
    discardBatchNormUpdates(updates);
    throw err;
  }
}

export class Replica {
  private pending: BatchNormUpdate[] | undefined;

  constructor(readonly task: TrainTask, readonly adam: Adam) {}

  /** The whole step on this replica alone; returns the loss. */
  step(inputs: readonly Float32Array[], n: number, step: number, lr: number, totalSteps: number): number {
    const objective = this.task.objective(inputs, n, { step, first: 0 });
    try {
      const loss = gradientStep(this.task.trainable, (u) => objective.loss(u), this.adam, lr);
      this.task.afterStep(step, totalSteps);
      return loss;
    } catch (err) {
      throw explainWasmAbort(err, n);
    } finally {
      objective.dispose();
    }
  }

  /**
   * A share's loss and gradients (of its mean loss); the update waits for apply(). `into` gives the
   * array the gradients are written to (a buffer reused step after step; fresh without it).
   */
  gradients(inputs: readonly Float32Array[], n: number, ctx: ShareContext, into?: GradientBuffer): ShareGradients {
    const objective = this.task.objective(inputs, n, ctx);
    try {
      return this.taped((updates) => objective.loss(updates), n, into);
    } finally {
      objective.dispose();
    }
  }

  /** A coupled loss's share: its embeddings per view, no gradients kept. */
  embed(inputs: readonly Float32Array[], n: number, ctx: ShareContext): Float32Array[] {
    const updates: BatchNormUpdate[] = [];
    try {
      return tf.tidy(() => this.task.coupled!.embed(inputs, n, ctx, updates).map((z) => z.dataSync() as Float32Array));
    } finally {
      discardBatchNormUpdates(updates);
    }
  }

  /**
   * A coupled loss's share: the gradient through this share's embeddings of the whole batch's loss,
   * given its gradient `dz` (per view) with respect to them: the vector-Jacobian product, as the
   * gradient of sum(z * dz). The forward pass runs again (a tape cannot wait for the other shares).
   */
  coupledGradients(inputs: readonly Float32Array[], n: number, ctx: ShareContext, dz: readonly Float32Array[], into?: GradientBuffer): ShareGradients {
    return this.taped(
      (updates) => {
        const parts = this.task.coupled!.embed(inputs, n, ctx, updates);
        return tf.addN(parts.map((z, i) => tf.sum(tf.mul(z, tf.tensor(dz[i], z.shape))))) as tf.Scalar;
      },
      n,
      into,
    );
  }

  private taped(loss: (updates: BatchNormUpdate[]) => tf.Scalar, n: number, into?: GradientBuffer): ShareGradients {
    if (this.pending) discardBatchNormUpdates(this.pending);
    const updates: BatchNormUpdate[] = [];
    try {
      const { value, grads } = tf.variableGrads(() => loss(updates), [...this.task.trainable.values()]);
      const names: string[] = [];
      const tensors: tf.Tensor[] = [];
      for (const [name, v] of this.task.trainable) {
        if (!grads[v.name]) continue;
        names.push(name);
        tensors.push(grads[v.name]);
      }
      const out = { loss: value.dataSync()[0], grads: flattenInto(tensors, into), names, stats: updates.map((u) => ({ mean: u.mean.dataSync() as Float32Array, variance: u.variance.dataSync() as Float32Array, count: u.count })) };
      tf.dispose([value, ...Object.values(grads)]);
      this.pending = updates;
      return out;
    } catch (err) {
      discardBatchNormUpdates(updates);
      throw explainWasmAbort(err, n);
    }
  }

  /**
   * The averaged gradients (flat, by `names`) through the optimiser, then the running statistics
   * from the whole batch's `stats`, which replace this share's own; then the method's after-step.
   */
  apply(grads: Float32Array, names: readonly string[], stats: readonly BatchStats[], lr: number, step: number, totalSteps: number): void {
    const updates = this.pending ?? [];
    this.pending = undefined;
    const named = new Map<string, tf.Tensor>();
    let offset = 0;
    for (const name of names) {
      const v = this.task.trainable.get(name);
      if (!v) throw new Error(`gradient for unknown parameter ${name}`);
      named.set(name, tf.tensor(grads.subarray(offset, offset + v.size), v.shape));
      offset += v.size;
    }
    this.adam.apply(this.task.trainable, named, lr);
    if (updates.length !== stats.length && stats.length > 0) throw new Error(`${stats.length} batch statistics for ${updates.length} BatchNorm layers`);
    const whole = stats.length
      ? updates.map((u, i) => {
          u.mean.dispose();
          u.variance.dispose();
          return { runningMean: u.runningMean, runningVar: u.runningVar, mean: tf.tensor1d(stats[i].mean), variance: tf.tensor1d(stats[i].variance), count: stats[i].count };
        })
      : updates;
    applyBatchNormUpdates(whole);
    this.task.afterStep(step, totalSteps);
  }

  state(): ReplicaState {
    return { values: new Map([...this.task.state].map(([k, v]) => [k, v.dataSync() as Float32Array])), optimizer: this.adam.state(), step: this.adam.step };
  }

  load(state: ReplicaState): void {
    for (const [name, v] of this.task.state) {
      const values = state.values.get(name);
      if (!values || values.length !== v.size) throw new Error(`replica state lacks '${name}' or has another size`);
      tf.tidy(() => v.assign(tf.tensor(values, v.shape, v.dtype)));
    }
    this.adam.load(state.optimizer, state.step, this.task.trainable);
  }

  dispose(): void {
    if (this.pending) discardBatchNormUpdates(this.pending);
    this.adam.dispose();
    this.task.dispose();
  }
}
