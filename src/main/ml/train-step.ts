// One supervised training step of a multi-label ECG classifier: binary cross-entropy with logits
// against 0/1 labels, Adam (PyTorch's defaults), BatchNorm running statistics updated after the
// step. Split into gradients() and apply() so data-parallel workers can average in between.
import * as tf from '@tensorflow/tfjs-core';
import { applyBatchNormUpdates, discardBatchNormUpdates, type BatchNormUpdate, type EcgModel } from './models/index.js';
import { explainWasmAbort } from './backend.js';

/** mean(max(z,0) - z*y + log(1 + exp(-|z|))): the numerically stable BCE-with-logits. */
export function bceWithLogits(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const loss = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, labels)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
    return tf.mean(loss) as tf.Scalar;
  });
}

export interface StepGradients {
  readonly loss: number;
  /** By parameter name, in the order of model.params. */
  readonly grads: Map<string, tf.Tensor>;
  readonly updates: BatchNormUpdate[];
}

export interface TrainerOptions {
  readonly learningRate?: number;
}

export class Trainer {
  readonly optimizer: tf.AdamOptimizer;
  private readonly vars: tf.Variable[];

  constructor(readonly model: EcgModel, options: TrainerOptions = {}) {
    // PyTorch's Adam epsilon (tfjs defaults to 1e-7).
    this.optimizer = tf.train.adam(options.learningRate ?? 1e-3, 0.9, 0.999, 1e-8);
    this.vars = [...model.params.values()];
  }

  /** Loss and gradients on one batch (x [batch, leads, samples], y [batch, classes]); nothing updated yet. */
  gradients(x: tf.Tensor3D, y: tf.Tensor2D): StepGradients {
    const updates: BatchNormUpdate[] = [];
    try {
      const { value, grads } = tf.variableGrads(() => bceWithLogits(this.model.apply(x, { training: true, updates }), y), this.vars);
      const loss = value.dataSync()[0];
      value.dispose();
      const ordered = new Map<string, tf.Tensor>();
      for (const [name, v] of this.model.params) ordered.set(name, grads[v.name]);
      return { loss, grads: ordered, updates };
    } catch (err) {
      discardBatchNormUpdates(updates);
      throw explainWasmAbort(err, x.shape[0]);
    }
  }

  /** Applies (and frees) gradients and batch statistics. */
  apply(step: StepGradients): void {
    const named: Record<string, tf.Tensor> = {};
    for (const [name, g] of step.grads) named[this.model.params.get(name)!.name] = g;
    // The typing asks for variables; any tensors by variable name are what it reads.
    this.optimizer.applyGradients(named as unknown as Parameters<tf.AdamOptimizer['applyGradients']>[0]);
    tf.dispose([...step.grads.values()]);
    applyBatchNormUpdates(step.updates);
  }

  /** gradients() then apply(); returns the loss. */
  step(x: tf.Tensor3D, y: tf.Tensor2D): number {
    const g = this.gradients(x, y);
    this.apply(g);
    return g.loss;
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}
