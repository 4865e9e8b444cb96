// MAE (He et al. 2022) for 12-lead ECGs on vit_1d: a patch is 25 samples across all 12 leads; a
// seeded random 75% of the patches is hidden; the encoder sees only the visible ones (plus the
// class token); a light decoder gets the encoded tokens and a learned mask token at every hidden
// position, adds its own positions, and predicts every patch. Loss: plain MSE on the hidden
// patches of the normalised record (no per-patch normalisation, so a reconstruction converts
// straight back to mV). Token selection is a one-hot matrix product, which every backend can
// differentiate (the WASM backend has no UnsortedSegmentSum for a gather's gradient).
import * as tf from '@tensorflow/tfjs-core';
import { augmentBatch, augmentConfig, NO_AUGMENT, type AugmentConfig, type AugmentOverrides } from '../augment.js';
import { createVit1d, encoderBlockParams, layerNorm, layerNormParams, linear, linearParams, ParamStore, runEncoderBlock, type EncoderBlock, type LayerNorm, type Linear, type ModelOptions, type Vit1dModel } from '../models/index.js';
import { Rng, deriveSeed } from '../rng.js';
import { bodyParams, prefixed, type SslMethod, type SslStepContext } from './types.js';

export interface MaeOptions {
  readonly modelOptions?: ModelOptions;
  /** Share of patches hidden (default 0.75). */
  readonly maskRatio?: number;
  /** Decoder width, blocks and heads at width 1 (default 192, 4, 6); width scales dim, depth scales blocks. */
  readonly decoderDim?: number;
  readonly decoderDepth?: number;
  readonly decoderHeads?: number;
  /** MAE needs no augmentation besides its masking; off by default. */
  readonly augment?: AugmentOverrides;
}

export interface MaeDecoderShape {
  readonly dim: number;
  readonly depth: number;
  readonly heads: number;
  readonly mlp: number;
}

export function maeDecoderShape(options: MaeOptions): MaeDecoderShape {
  const w = options.modelOptions?.width ?? 1;
  const baseHeads = options.decoderHeads ?? 6;
  const heads = Math.max(1, Math.min(baseHeads, Math.round(baseHeads * Math.min(1, w * 2))));
  const dim = Math.max(heads, Math.round(((options.decoderDim ?? 192) * w) / heads) * heads);
  return { dim, depth: Math.max(1, Math.round((options.decoderDepth ?? 4) * (options.modelOptions?.depth ?? 1))), heads, mlp: 4 * dim };
}

/** The hidden patches of one record: 1 = hidden. The first `keep` entries of `order` are the visible ones. */
export interface PatchMask {
  readonly mask: Uint8Array;
  readonly order: Int32Array;
  readonly keep: number;
}

export function randomPatchMask(tokens: number, ratio: number, seed: number): PatchMask {
  if (!(ratio >= 0 && ratio < 1)) throw new RangeError(`mask ratio must be in [0, 1), got ${ratio}`);
  const keep = Math.max(1, Math.round(tokens * (1 - ratio)));
  const order = new Rng(seed).permutation(tokens);
  // Visible tokens in time order, so the encoder's sequence keeps its order.
  const visible = Array.from(order.subarray(0, keep)).sort((a, b) => a - b);
  const hidden = Array.from(order.subarray(keep)).sort((a, b) => a - b);
  const mask = new Uint8Array(tokens);
  for (const h of hidden) mask[h] = 1;
  return { mask, order: Int32Array.from([...visible, ...hidden]), keep };
}

export interface MaeModel extends SslMethod {
  readonly kind: 'mae';
  readonly encoder: Vit1dModel;
  readonly maskRatio: number;
  /** Predicted patches [n, leads, T] (normalised units) for given masks; no gradients kept. */
  predict(x: tf.Tensor3D, masks: readonly PatchMask[]): tf.Tensor3D;
}

interface Decoder {
  embed: Linear;
  maskToken: tf.Variable;
  pos: tf.Variable;
  blocks: EncoderBlock[];
  norm: LayerNorm;
  pred: Linear;
}

export function createMae(options: MaeOptions = {}): MaeModel {
  const modelOptions = options.modelOptions ?? {};
  const seed = modelOptions.seed ?? 1;
  const maskRatio = options.maskRatio ?? 0.75;
  const encoder = createVit1d(modelOptions);
  const { vit } = encoder;
  const shape = maeDecoderShape(options);
  const store = new ParamStore(deriveSeed(seed, 301));
  const patchValues = encoder.leads * vit.shape.patch;
  const dec: Decoder = {
    embed: linearParams(store, 'embed', vit.shape.dim, shape.dim),
    maskToken: store.normal('mask_token', [1, 1, shape.dim], 0.02),
    pos: store.normal('pos', [1, vit.tokens + 1, shape.dim], 0.02),
    blocks: Array.from({ length: shape.depth }, (_, i) => encoderBlockParams(store, `blocks.layers.${i}`, shape.dim, shape.mlp)),
    norm: layerNormParams(store, 'norm', shape.dim),
    pred: linearParams(store, 'pred', shape.dim, patchValues),
  };
  const augment: AugmentConfig = augmentConfig(options.augment, NO_AUGMENT);

  /** One-hot [n, keep, tokens] selecting each record's visible tokens. */
  function selection(masks: readonly PatchMask[]): tf.Tensor3D {
    const keep = masks[0].keep;
    const s = new Float32Array(masks.length * keep * vit.tokens);
    masks.forEach((m, i) => {
      for (let j = 0; j < keep; j++) s[(i * keep + j) * vit.tokens + m.order[j]] = 1;
    });
    return tf.tensor3d(s, [masks.length, keep, vit.tokens]);
  }

  /** Predicted patches [n, tokens, leads * patch]. */
  function forward(x: tf.Tensor3D, masks: readonly PatchMask[]): { patches: tf.Tensor3D; pred: tf.Tensor3D; hidden: tf.Tensor2D } {
    const n = x.shape[0];
    const patches = vit.patchify(x);
    const sel = selection(masks);
    const posTokens = tf.slice(vit.pos, [0, 1, 0], [1, vit.tokens, vit.shape.dim]);
    const tokens = tf.add(linear(patches, vit.embed), posTokens) as tf.Tensor3D;
    const visible = tf.matMul(sel, tokens);
    const cls = tf.tile(tf.add(vit.cls, tf.slice(vit.pos, [0, 0, 0], [1, 1, vit.shape.dim])), [n, 1, 1]);
    let z = tf.concat([cls, visible], 1) as tf.Tensor3D;
    for (const b of vit.blocks) z = runEncoderBlock(z, b, vit.shape.heads);
    z = layerNorm(z, vit.norm) as tf.Tensor3D;

    const d = linear(z, dec.embed) as tf.Tensor3D;
    const keep = masks[0].keep;
    const dVisible = tf.slice(d, [0, 1, 0], [n, keep, shape.dim]) as tf.Tensor3D;
    const hidden = tf.tensor2d(Float32Array.from(masks.flatMap((m) => Array.from(m.mask))), [n, vit.tokens]);
    // Visible tokens back at their places, the mask token everywhere else.
    const placed = tf.matMul(sel, dVisible, true, false);
    const filled = tf.add(placed, tf.mul(tf.expandDims(hidden, 2), dec.maskToken));
    let y = tf.add(tf.concat([tf.slice(d, [0, 0, 0], [n, 1, shape.dim]), filled], 1), dec.pos) as tf.Tensor3D;
    for (const b of dec.blocks) y = runEncoderBlock(y, b, shape.heads);
    const out = linear(layerNorm(y, dec.norm), dec.pred) as tf.Tensor3D;
    return { patches, pred: tf.slice(out, [0, 1, 0], [n, vit.tokens, patchValues]) as tf.Tensor3D, hidden };
  }

  const decoderParams = store.params;
  return {
    kind: 'mae',
    encoder,
    maskRatio,
    settings: { maskRatio, decoderDim: options.decoderDim ?? 192, decoderDepth: options.decoderDepth ?? 4, decoderHeads: options.decoderHeads ?? 6, decoder: shape, loss: 'mse-hidden-patches', augment },
    trainable: new Map([...prefixed('encoder.', bodyParams(encoder)), ...prefixed('decoder.', decoderParams)]),
    state: new Map([...prefixed('encoder.', encoder.params, encoder.buffers), ...prefixed('decoder.', decoderParams)]),
    views(x: Float32Array, n: number, ctx: Pick<SslStepContext, 'step' | 'seed'>): Float32Array[] {
      return [augmentBatch(x, n, encoder.leads, augment, deriveSeed(ctx.seed, ctx.step, 1))];
    },
    // Every record hides as many patches, so a share's mean, weighted by its size, adds up to the batch's.
    loss(views: readonly Float32Array[], n: number, ctx: SslStepContext): tf.Scalar {
      const masks = Array.from({ length: n }, (_, i) => randomPatchMask(vit.tokens, maskRatio, deriveSeed(ctx.seed, ctx.step, 3, ctx.first + i)));
      const { patches, pred, hidden } = forward(tf.tensor3d(views[0], [n, encoder.leads, encoder.samples]), masks);
      const perPatch = tf.mean(tf.square(tf.sub(pred, patches)), 2);
      return tf.div(tf.sum(tf.mul(perPatch, hidden)), tf.maximum(tf.sum(hidden), 1)) as tf.Scalar;
    },
    predict(x: tf.Tensor3D, masks: readonly PatchMask[]): tf.Tensor3D {
      return tf.tidy(() => vit.unpatchify(forward(x, masks).pred));
    },
    afterStep() {},
    dispose() {
      encoder.dispose();
      store.dispose();
    },
  };
}
