// The MLP heads of SimCLR and BYOL: Linear -> BatchNorm -> ReLU -> Linear (SimCLR v2 / BYOL).
import * as tf from '@tensorflow/tfjs-core';
import { ParamStore, batchNorm, batchNormParams, linear, linearParams, type BatchNorm, type BatchNormUpdate, type Linear } from '../models/index.js';

export interface MlpHead {
  readonly params: ReadonlyMap<string, tf.Variable>;
  readonly buffers: ReadonlyMap<string, tf.Variable>;
  apply(x: tf.Tensor2D, training: boolean, updates?: BatchNormUpdate[]): tf.Tensor2D;
  dispose(): void;
}

export function createMlpHead(inputs: number, hidden: number, outputs: number, seed: number): MlpHead {
  const store = new ParamStore(seed);
  const fc1: Linear = linearParams(store, '0', inputs, hidden);
  const bn: BatchNorm = batchNormParams(store, '1', hidden);
  const fc2: Linear = linearParams(store, '3', hidden, outputs);
  return {
    params: store.params,
    buffers: store.buffers,
    apply(x, training, updates) {
      return tf.tidy(() => {
        const h = linear(x, fc1);
        const [n, c] = h.shape;
        const normed = batchNorm(tf.reshape(h, [n, 1, c]) as tf.Tensor3D, bn, { training, updates });
        return linear(tf.relu(tf.reshape(normed, [n, c])), fc2) as tf.Tensor2D;
      });
    },
    dispose: () => store.dispose(),
  };
}

/** Head sizes scale with the backbone's width multiplier, so small test models get small heads. */
export function scaledSize(base: number, width: number | undefined, min = 8): number {
  return Math.max(min, Math.round(base * (width ?? 1)));
}

/** Rows scaled to unit length. */
export function l2Normalize(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.mul(x, tf.rsqrt(tf.maximum(tf.sum(tf.square(x), 1, true), 1e-12))) as tf.Tensor2D);
}
