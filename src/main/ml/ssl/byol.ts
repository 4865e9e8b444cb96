// BYOL (Grill et al. 2020): the online branch (encoder, projector, predictor) predicts the target
// branch's projection of the other view; the target is an exponential moving average of the
// online encoder and projector. Symmetric loss: (2 - 2cos(p1, z2')) + (2 - 2cos(p2, z1')).
import * as tf from '@tensorflow/tfjs-core';
import { augmentBatch, augmentConfig, type AugmentConfig, type AugmentOverrides } from '../augment.js';
import { createModel, type ModelName, type ModelOptions } from '../models/index.js';
import { deriveSeed } from '../rng.js';
import { createMlpHead, l2Normalize, scaledSize } from './heads.js';
import { bodyParams, prefixed, type SslMethod, type SslStepContext } from './types.js';

export interface ByolOptions {
  readonly model?: ModelName;
  readonly modelOptions?: ModelOptions;
  /** Target momentum (default 0.996). */
  readonly momentum?: number;
  /** 'cosine' raises the momentum from `momentum` to 1 over the run (BYOL's schedule); default 'constant'. */
  readonly momentumSchedule?: 'constant' | 'cosine';
  /** Projector and predictor hidden and output sizes (default 4096 and 256, times the model's width). */
  readonly projectorHidden?: number;
  readonly projectorOut?: number;
  readonly augment?: AugmentOverrides;
}

/** 2 - 2 cos(p, z) per row, averaged. */
export function byolPairLoss(p: tf.Tensor2D, z: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.sub(2, tf.mul(2, tf.sum(tf.mul(l2Normalize(p), l2Normalize(z)), 1)))) as tf.Scalar);
}

export function momentumAt(base: number, schedule: 'constant' | 'cosine', step: number, totalSteps: number): number {
  if (schedule === 'constant') return base;
  return 1 - ((1 - base) * (Math.cos((Math.PI * step) / Math.max(1, totalSteps)) + 1)) / 2;
}

export function createByol(options: ByolOptions = {}): SslMethod {
  const name = options.model ?? 'resnet50_1d';
  const modelOptions = options.modelOptions ?? {};
  const seed = modelOptions.seed ?? 1;
  const momentum = options.momentum ?? 0.996;
  const schedule = options.momentumSchedule ?? 'constant';
  const hidden = options.projectorHidden ?? scaledSize(4096, modelOptions.width);
  const out = options.projectorOut ?? scaledSize(256, modelOptions.width);
  const augment: AugmentConfig = augmentConfig(options.augment);
  const encoder = createModel(name, modelOptions);
  const projector = createMlpHead(encoder.embeddingSize, hidden, out, deriveSeed(seed, 201));
  const predictor = createMlpHead(out, hidden, out, deriveSeed(seed, 202));
  // The target starts equal to the online branch: same constructors, same seeds.
  const targetEncoder = createModel(name, modelOptions);
  const targetProjector = createMlpHead(encoder.embeddingSize, hidden, out, deriveSeed(seed, 201));
  const online = new Map([...prefixed('encoder.', encoder.params, encoder.buffers), ...prefixed('projector.', projector.params, projector.buffers)]);
  const target = new Map([...prefixed('encoder.', targetEncoder.params, targetEncoder.buffers), ...prefixed('projector.', targetProjector.params, targetProjector.buffers)]);

  return {
    kind: 'byol',
    encoder,
    settings: { momentum, momentumSchedule: schedule, projectorHidden: hidden, projectorOut: out, augment },
    trainable: new Map([...prefixed('encoder.', bodyParams(encoder)), ...prefixed('projector.', projector.params), ...prefixed('predictor.', predictor.params)]),
    state: new Map([...online, ...prefixed('predictor.', predictor.params, predictor.buffers), ...prefixed('target.', target)]),
    views(x: Float32Array, n: number, ctx: Pick<SslStepContext, 'step' | 'seed'>): Float32Array[] {
      return [augmentBatch(x, n, encoder.leads, augment, deriveSeed(ctx.seed, ctx.step, 1)), augmentBatch(x, n, encoder.leads, augment, deriveSeed(ctx.seed, ctx.step, 2))];
    },
    // A mean over records of per-record terms: a share's loss, weighted by its size, adds up to the batch's.
    loss(input: readonly Float32Array[], n: number, ctx: SslStepContext): tf.Scalar {
      const shape: [number, number, number] = [n, encoder.leads, encoder.samples];
      const views = tf.concat([tf.tensor3d(input[0], shape), tf.tensor3d(input[1], shape)], 0) as tf.Tensor3D;
      const p = predictor.apply(projector.apply(encoder.apply(views, { training: true, output: 'embedding', updates: ctx.updates }), true, ctx.updates), true, ctx.updates);
      // The target normalises with batch statistics like the online branch; its running
      // statistics follow the online ones by the same moving average as its weights.
      const z = targetProjector.apply(targetEncoder.apply(views, { training: true, output: 'embedding' }), true);
      const [p1, p2] = tf.split(p, 2, 0) as [tf.Tensor2D, tf.Tensor2D];
      const [z1, z2] = tf.split(z, 2, 0) as [tf.Tensor2D, tf.Tensor2D];
      return tf.add(byolPairLoss(p1, z2), byolPairLoss(p2, z1)) as tf.Scalar;
    },
    afterStep(step: number, totalSteps: number) {
      const m = momentumAt(momentum, schedule, step, totalSteps);
      tf.tidy(() => {
        for (const [k, t] of target) t.assign(tf.add(tf.mul(t, m), tf.mul(online.get(k)!, 1 - m)));
      });
    },
    dispose() {
      for (const d of [encoder, projector, predictor, targetEncoder, targetProjector]) d.dispose();
    },
  };
}
