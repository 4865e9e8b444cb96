// Building blocks of the functional models. Activations are NWC ([batch, samples, channels]):
// channels innermost is what the WASM and native backends' convolutions and reductions want.
import * as tf from '@tensorflow/tfjs-core';
import { batchNormTrain } from './batch-norm-train.js';
import type { ParamStore } from './params.js';

/** One forward pass's mode and, in training, the batch statistics BatchNorm layers saw. */
export interface ForwardContext {
  readonly training: boolean;
  /** Filled in training mode; applyBatchNormUpdates folds them into the running statistics. */
  readonly updates?: BatchNormUpdate[];
}

export interface BatchNormUpdate {
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
  readonly mean: tf.Tensor;
  readonly variance: tf.Tensor;
  /** Values per channel in the batch, for the unbiased variance PyTorch keeps. */
  readonly count: number;
}

export interface Conv1d {
  readonly weight: tf.Variable; // [kernel, in, out]
  readonly stride: number;
  readonly padding: number;
}

export function conv1dParams(store: ParamStore, name: string, cin: number, cout: number, kernel: number, stride: number, padding: number): Conv1d {
  const weight = store.uniform(`${name}.weight`, [kernel, cin, cout], 1 / Math.sqrt(cin * kernel));
  return { weight, stride, padding };
}

/** Conv1d without bias as a height-1 Conv2D with explicit padding (tf.conv1d's numeric padding would pad the height too). */
export function conv1d(x: tf.Tensor3D, c: Conv1d): tf.Tensor3D {
  const [n, w, cin] = x.shape;
  const [k, , cout] = c.weight.shape;
  const x4 = tf.reshape(x, [n, 1, w, cin]) as tf.Tensor4D;
  const f4 = tf.reshape(c.weight, [1, k, cin, cout]) as tf.Tensor4D;
  const y = tf.conv2d(x4, f4, [1, c.stride], [[0, 0], [0, 0], [c.padding, c.padding], [0, 0]]);
  return tf.reshape(y, [n, y.shape[2], cout]);
}

export interface BatchNorm {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
}

export const BN_EPSILON = 1e-5;
export const BN_MOMENTUM = 0.1;

export function batchNormParams(store: ParamStore, name: string, channels: number): BatchNorm {
  return {
    gamma: store.constant(`${name}.weight`, [channels], 1),
    beta: store.constant(`${name}.bias`, [channels], 0),
    runningMean: store.buffer(`${name}.running_mean`, [channels], 0),
    runningVar: store.buffer(`${name}.running_var`, [channels], 1),
  };
}

/** BatchNorm over batch and samples per channel: batch statistics in training, running ones otherwise. */
export function batchNorm(x: tf.Tensor3D, bn: BatchNorm, ctx: ForwardContext): tf.Tensor3D {
  if (!ctx.training) {
    const scale = tf.mul(bn.gamma, tf.rsqrt(tf.add(bn.runningVar, BN_EPSILON)));
    const shift = tf.sub(bn.beta, tf.mul(bn.runningMean, scale));
    return tf.add(tf.mul(x, scale), shift);
  }
  const [n, w, c] = x.shape;
  const { y, mean, variance } = batchNormTrain(tf.reshape(x, [n * w, c]), bn.gamma as tf.Tensor1D, bn.beta as tf.Tensor1D, BN_EPSILON);
  if (ctx.updates) ctx.updates.push({ runningMean: bn.runningMean, runningVar: bn.runningVar, mean, variance, count: n * w });
  else tf.dispose([mean, variance]);
  return tf.reshape(y, [n, w, c]);
}

/** Folds the batch statistics of a training step into the running ones (PyTorch's rule) and frees them. */
export function applyBatchNormUpdates(updates: BatchNormUpdate[], momentum = BN_MOMENTUM): void {
  for (const u of updates.splice(0)) {
    tf.tidy(() => {
      const unbiased = tf.mul(u.variance, u.count / Math.max(1, u.count - 1));
      u.runningMean.assign(tf.add(tf.mul(u.runningMean, 1 - momentum), tf.mul(u.mean, momentum)));
      u.runningVar.assign(tf.add(tf.mul(u.runningVar, 1 - momentum), tf.mul(unbiased, momentum)));
    });
    u.mean.dispose();
    u.variance.dispose();
  }
}

/** Frees batch statistics that will not be applied (e.g. a step that failed). */
export function discardBatchNormUpdates(updates: BatchNormUpdate[]): void {
  for (const u of updates.splice(0)) {
    u.mean.dispose();
    u.variance.dispose();
  }
}

/** MaxPool1d(k, s, p) with PyTorch's implicit -inf padding. */
export function maxPool1d(x: tf.Tensor3D, kernel: number, stride: number, padding: number): tf.Tensor3D {
  const [n, , c] = x.shape;
  const padded = padding > 0 ? tf.pad(x, [[0, 0], [padding, padding], [0, 0]], -Infinity) : x;
  const w = padded.shape[1];
  const y = tf.maxPool(tf.reshape(padded, [n, 1, w, c]) as tf.Tensor4D, [1, kernel], [1, stride], 'valid');
  return tf.reshape(y, [n, y.shape[2], c]);
}

export interface Linear {
  readonly weight: tf.Variable; // [in, out]
  readonly bias: tf.Variable;
}

export function linearParams(store: ParamStore, name: string, cin: number, cout: number): Linear {
  const bound = 1 / Math.sqrt(cin);
  return { weight: store.uniform(`${name}.weight`, [cin, cout], bound), bias: store.uniform(`${name}.bias`, [cout], bound) };
}

/** x [..., in] -> [..., out]. */
export function linear(x: tf.Tensor, l: Linear): tf.Tensor {
  const shape = x.shape;
  const cin = shape[shape.length - 1];
  const y = tf.add(tf.matMul(tf.reshape(x, [-1, cin]) as tf.Tensor2D, l.weight as tf.Tensor2D), l.bias);
  return tf.reshape(y, [...shape.slice(0, -1), l.bias.size]);
}

export interface LayerNorm {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
}

export function layerNormParams(store: ParamStore, name: string, dim: number): LayerNorm {
  return { gamma: store.constant(`${name}.weight`, [dim], 1), beta: store.constant(`${name}.bias`, [dim], 0) };
}

export function layerNorm(x: tf.Tensor, ln: LayerNorm, epsilon = 1e-5): tf.Tensor {
  const axis = x.rank - 1;
  const mean = tf.mean(x, axis, true);
  const centred = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centred), axis, true);
  return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, epsilon))), ln.gamma), ln.beta);
}

/** Exact GELU (erf form), PyTorch's default. */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
}
