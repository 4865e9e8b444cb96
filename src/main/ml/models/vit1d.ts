// ViT for 12-lead ECGs as the PyTorch peer builds it: patches of 25 samples across all leads
// (lead-major within a patch, as the peer's reshape/permute), linear embedding, class token,
// learned positions, pre-norm blocks (multi-head attention, GELU MLP), final LayerNorm, head
// on the class token. Names follow nn.TransformerEncoderLayer's parameters.
import * as tf from '@tensorflow/tfjs-core';
import { gelu, layerNorm, layerNormParams, linear, linearParams, type LayerNorm, type Linear } from './layers.js';
import { ParamStore } from './params.js';
import type { EcgModel, ForwardOptions, ModelOptions } from './types.js';

export interface EncoderBlock {
  norm1: LayerNorm;
  inProj: Linear; // [dim, 3 dim]: q, k, v
  outProj: Linear;
  norm2: LayerNorm;
  fc1: Linear;
  fc2: Linear;
}

export interface VitShape {
  readonly patch: number;
  readonly dim: number;
  readonly depth: number;
  readonly heads: number;
  readonly mlp: number;
}

export const VIT_1D: VitShape = { patch: 25, dim: 384, depth: 12, heads: 6, mlp: 1536 };

/** Width scales dim and MLP (dim kept a multiple of the heads), depth scales the block count. */
export function vitShape(options: ModelOptions): VitShape {
  const w = options.width ?? 1;
  const heads = Math.max(1, Math.min(VIT_1D.heads, Math.round(VIT_1D.heads * Math.min(1, w * 2))));
  const dim = Math.max(heads, Math.round((VIT_1D.dim * w) / heads) * heads);
  return {
    patch: VIT_1D.patch,
    dim,
    depth: Math.max(1, Math.round(VIT_1D.depth * (options.depth ?? 1))),
    heads,
    mlp: Math.max(1, Math.round(VIT_1D.mlp * w)),
  };
}

export function encoderBlockParams(store: ParamStore, prefix: string, dim: number, mlp: number): EncoderBlock {
  return {
    norm1: layerNormParams(store, `${prefix}.norm1`, dim),
    inProj: linearParams(store, `${prefix}.self_attn.in_proj`, dim, 3 * dim),
    outProj: linearParams(store, `${prefix}.self_attn.out_proj`, dim, dim),
    norm2: layerNormParams(store, `${prefix}.norm2`, dim),
    fc1: linearParams(store, `${prefix}.linear1`, dim, mlp),
    fc2: linearParams(store, `${prefix}.linear2`, mlp, dim),
  };
}

/** One pre-norm transformer block on tokens [n, len, dim]. */
export function runEncoderBlock(z: tf.Tensor3D, b: EncoderBlock, heads: number): tf.Tensor3D {
  const y = tf.add(z, attention(layerNorm(z, b.norm1) as tf.Tensor3D, b, heads)) as tf.Tensor3D;
  return tf.add(y, linear(gelu(linear(layerNorm(y, b.norm2), b.fc1)), b.fc2)) as tf.Tensor3D;
}

/** The pieces of a vit_1d, for methods that run it on some tokens only (MAE). */
export interface VitParts {
  readonly shape: VitShape;
  /** Patches (time steps of `patch` samples) per record. */
  readonly tokens: number;
  readonly embed: Linear;
  readonly cls: tf.Variable; // [1, 1, dim]
  readonly pos: tf.Variable; // [1, tokens + 1, dim]: the class token's first
  readonly blocks: readonly EncoderBlock[];
  readonly norm: LayerNorm;
  /** [n, leads, T] -> [n, tokens, leads * patch], lead-major within a patch. */
  patchify(x: tf.Tensor3D): tf.Tensor3D;
  /** The inverse of patchify. */
  unpatchify(p: tf.Tensor3D): tf.Tensor3D;
}

export interface Vit1dModel extends EcgModel {
  readonly vit: VitParts;
}

function attention(z: tf.Tensor3D, b: EncoderBlock, heads: number): tf.Tensor3D {
  const [n, len, dim] = z.shape;
  const d = dim / heads;
  const qkv = linear(z, b.inProj); // [n, len, 3 dim]
  // [n, len, 3, heads, d] -> [3, n, heads, len, d]
  const split = tf.transpose(tf.reshape(qkv, [n, len, 3, heads, d]), [2, 0, 3, 1, 4]);
  const [q, k, v] = tf.unstack(split).map((t) => tf.reshape(t, [n * heads, len, d]) as tf.Tensor3D);
  const scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(d));
  const mixed = tf.matMul(tf.softmax(scores), v); // [n heads, len, d]
  const merged = tf.reshape(tf.transpose(tf.reshape(mixed, [n, heads, len, d]), [0, 2, 1, 3]), [n, len, dim]);
  return linear(merged, b.outProj) as tf.Tensor3D;
}

export function createVit1d(options: ModelOptions = {}): Vit1dModel {
  const leads = options.leads ?? 12;
  const samples = options.samples ?? 1000;
  const classes = options.classes ?? 24;
  const shape = vitShape(options);
  if (samples % shape.patch !== 0) throw new Error(`vit_1d needs samples divisible by ${shape.patch}, got ${samples}`);
  const tokens = samples / shape.patch;
  const store = new ParamStore(options.seed ?? 1);
  const embed = linearParams(store, 'embed', leads * shape.patch, shape.dim);
  const cls = store.constant('cls', [1, 1, shape.dim], 0);
  const pos = store.normal('pos', [1, tokens + 1, shape.dim], 0.02);
  const blocks: EncoderBlock[] = [];
  for (let i = 0; i < shape.depth; i++) blocks.push(encoderBlockParams(store, `blocks.layers.${i}`, shape.dim, shape.mlp));
  const norm = layerNormParams(store, 'norm', shape.dim);
  const head = linearParams(store, 'head', shape.dim, classes);
  const patchify = (x: tf.Tensor3D): tf.Tensor3D => {
    const [n, c] = x.shape;
    return tf.reshape(tf.transpose(tf.reshape(x, [n, c, tokens, shape.patch]), [0, 2, 1, 3]), [n, tokens, c * shape.patch]);
  };
  const unpatchify = (p: tf.Tensor3D): tf.Tensor3D => {
    const n = p.shape[0];
    return tf.reshape(tf.transpose(tf.reshape(p, [n, tokens, leads, shape.patch]), [0, 2, 1, 3]), [n, leads, samples]);
  };

  return {
    name: 'vit_1d',
    leads,
    samples,
    classes,
    embeddingSize: shape.dim,
    headNames: ['head.weight', 'head.bias'],
    vit: { shape, tokens, embed, cls, pos, blocks, norm, patchify, unpatchify },
    params: store.params,
    buffers: store.buffers,
    apply(x: tf.Tensor3D, opts: ForwardOptions): tf.Tensor2D {
      return tf.tidy(() => {
        const [n, c, t] = x.shape;
        if (c !== leads || t !== samples) throw new Error(`vit_1d expects [batch, ${leads}, ${samples}], got [${x.shape}]`);
        let z = tf.concat([tf.tile(cls, [n, 1, 1]), linear(patchify(x), embed)], 1) as tf.Tensor3D;
        z = tf.add(z, pos) as tf.Tensor3D;
        for (const b of blocks) z = runEncoderBlock(z, b, shape.heads);
        const first = tf.reshape(tf.slice(layerNorm(z, norm), [0, 0, 0], [n, 1, shape.dim]), [n, shape.dim]) as tf.Tensor2D;
        return opts.output === 'embedding' ? first : (linear(first, head) as tf.Tensor2D);
      });
    },
    dispose: () => store.dispose(),
  };
}
