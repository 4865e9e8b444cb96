// SimCLR (Chen et al. 2020): two augmented views of each record, encoder -> projection head,
// NT-Xent over the 2N views of a batch with cosine similarity and temperature tau.
import * as tf from '@tensorflow/tfjs-core';
import { augmentBatch, augmentConfig, type AugmentConfig, type AugmentOverrides } from '../augment.js';
import { createModel, type ModelName, type ModelOptions } from '../models/index.js';
import { deriveSeed } from '../rng.js';
import { createMlpHead, l2Normalize, scaledSize } from './heads.js';
import { bodyParams, prefixed, type CoupledLoss, type SslMethod, type SslStepContext } from './types.js';

export interface SimclrOptions {
  readonly model?: ModelName;
  readonly modelOptions?: ModelOptions;
  /** NT-Xent temperature (default 0.1). */
  readonly temperature?: number;
  /** Projection head hidden and output sizes (default 2048 and 128, times the model's width). */
  readonly projectorHidden?: number;
  readonly projectorOut?: number;
  readonly augment?: AugmentOverrides;
}

/**
 * NT-Xent: for each of the 2N rows, cross-entropy of its positive (the other view of the same
 * record) against the other 2N - 1 rows. z1, z2: [N, d], not yet normalised.
 */
export function ntXent(z1: tf.Tensor2D, z2: tf.Tensor2D, temperature: number): tf.Scalar {
  return tf.tidy(() => {
    const n = z1.shape[0];
    const z = l2Normalize(tf.concat([z1, z2], 0) as tf.Tensor2D);
    const sim = tf.div(tf.matMul(z, z, false, true), temperature);
    // Self-similarity is left out of the softmax by a large negative on the diagonal.
    const selfMask = tf.mul(tf.eye(2 * n), -1e9);
    const logits = tf.add(sim, selfMask);
    const pos = new Int32Array(2 * n).map((_, i) => (i + n) % (2 * n));
    const positives = tf.sum(tf.mul(logits, tf.oneHot(tf.tensor1d(pos, 'int32'), 2 * n)), 1);
    return tf.mean(tf.sub(tf.logSumExp(logits, 1), positives)) as tf.Scalar;
  });
}

export function createSimclr(options: SimclrOptions = {}): SslMethod {
  const name = options.model ?? 'resnet50_1d';
  const modelOptions = options.modelOptions ?? {};
  const seed = modelOptions.seed ?? 1;
  const encoder = createModel(name, modelOptions);
  const temperature = options.temperature ?? 0.1;
  const hidden = options.projectorHidden ?? scaledSize(2048, modelOptions.width);
  const out = options.projectorOut ?? scaledSize(128, modelOptions.width);
  const augment: AugmentConfig = augmentConfig(options.augment);
  const projector = createMlpHead(encoder.embeddingSize, hidden, out, deriveSeed(seed, 101));

  // NT-Xent takes its negatives from the whole batch: data-parallel shares embed, the loss is over all.
  const coupled: CoupledLoss = {
    embed(views, n, ctx) {
      const shape: [number, number, number] = [n, encoder.leads, encoder.samples];
      const both = tf.concat([tf.tensor3d(views[0], shape), tf.tensor3d(views[1], shape)], 0) as tf.Tensor3D;
      const h = encoder.apply(both, { training: true, output: 'embedding', updates: ctx.updates });
      return tf.split(projector.apply(h, true, ctx.updates), 2, 0) as [tf.Tensor2D, tf.Tensor2D];
    },
    loss: ([z1, z2]) => ntXent(z1, z2, temperature),
  };

  return {
    kind: 'simclr',
    encoder,
    settings: { temperature, projectorHidden: hidden, projectorOut: out, augment },
    trainable: new Map([...prefixed('encoder.', bodyParams(encoder)), ...prefixed('projector.', projector.params)]),
    state: new Map([...prefixed('encoder.', encoder.params, encoder.buffers), ...prefixed('projector.', projector.params, projector.buffers)]),
    views(x: Float32Array, n: number, ctx: Pick<SslStepContext, 'step' | 'seed'>): Float32Array[] {
      return [augmentBatch(x, n, encoder.leads, augment, deriveSeed(ctx.seed, ctx.step, 1)), augmentBatch(x, n, encoder.leads, augment, deriveSeed(ctx.seed, ctx.step, 2))];
    },
    loss(views: readonly Float32Array[], n: number, ctx: SslStepContext): tf.Scalar {
      return coupled.loss(coupled.embed(views, n, ctx));
    },
    coupled,
    afterStep() {},
    dispose() {
      encoder.dispose();
      projector.dispose();
    },
  };
}
