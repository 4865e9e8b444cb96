// The ONNX counterparts of src/main/ml/models/layers.ts and the ViT blocks, written from a
// bundle's named weights (our layouts: conv [kernel, in, out], linear [in, out]).
import type { NamedArray } from '../bundle.js';
import { BN_EPSILON } from '../models/layers.js';
import type { GraphBuilder } from './graph.js';

export type Weights = ReadonlyMap<string, NamedArray>;

export function weight(w: Weights, name: string): NamedArray {
  const a = w.get(name);
  if (!a) throw new Error(`ONNX export: the bundle has no tensor ${name}`);
  return a;
}

/**
 * Conv1d (no bias) followed by inference-mode BatchNorm, folded into one Conv with bias: exact up
 * to float rounding, since BN is then a per-output-channel affine map. Our conv layout
 * [kernel, in, out] becomes ONNX's [out, in, kernel].
 */
export function convBn(g: GraphBuilder, x: string, w: Weights, conv: string, bn: string, stride: number): string {
  const cw = weight(w, `${conv}.weight`);
  const [k, cin, cout] = cw.shape;
  const gamma = weight(w, `${bn}.weight`).values;
  const beta = weight(w, `${bn}.bias`).values;
  const mean = weight(w, `${bn}.running_mean`).values;
  const variance = weight(w, `${bn}.running_var`).values;
  const folded = new Float32Array(cout * cin * k);
  const bias = new Float32Array(cout);
  for (let o = 0; o < cout; o++) {
    // Same arithmetic as batchNorm's inference branch: scale = gamma / sqrt(var + eps).
    const scale = gamma[o] / Math.sqrt(variance[o] + BN_EPSILON);
    bias[o] = beta[o] - mean[o] * scale;
    for (let i = 0; i < cin; i++) for (let t = 0; t < k; t++) folded[(o * cin + i) * k + t] = cw.values[(t * cin + i) * cout + o] * scale;
  }
  const pad = (k - 1) / 2;
  if (!Number.isInteger(pad)) throw new Error(`ONNX export: ${conv} has an even kernel ${k}`);
  // As a height-1 2-D convolution: ONNX Runtime's CPU provider rewrites 2-D convolutions into its
  // blocked NCHWc layout (much faster), which it does not do for 1-D ones.
  return g.op('Conv', [x, g.tensor(`${conv}.weight`, folded, [cout, cin, 1, k]), g.tensor(`${conv}.bias`, bias, [cout])], {
    kernel_shape: [1, k],
    strides: [1, stride],
    pads: [0, pad, 0, pad],
    dilations: [1, 1],
    group: 1,
  });
}

/** x [..., in] @ W [in, out] + b. */
export function linear(g: GraphBuilder, x: string, w: Weights, name: string): string {
  const W = weight(w, `${name}.weight`);
  const b = weight(w, `${name}.bias`);
  return g.op('Add', [g.op('MatMul', [x, g.tensor(`${name}.weight`, W.values, W.shape)]), g.tensor(`${name}.bias`, b.values, b.shape)]);
}

/** x [n, in] -> [n, out] as one Gemm. */
export function gemm(g: GraphBuilder, x: string, w: Weights, name: string, outName?: string): string {
  const W = weight(w, `${name}.weight`);
  const b = weight(w, `${name}.bias`);
  return g.op('Gemm', [x, g.tensor(`${name}.weight`, W.values, W.shape), g.tensor(`${name}.bias`, b.values, b.shape)], {}, outName);
}

export function layerNorm(g: GraphBuilder, x: string, w: Weights, name: string): string {
  const gamma = weight(w, `${name}.weight`);
  const beta = weight(w, `${name}.bias`);
  return g.op('LayerNormalization', [x, g.tensor(`${name}.weight`, gamma.values, gamma.shape), g.tensor(`${name}.bias`, beta.values, beta.shape)], { axis: -1, epsilon: { float: 1e-5 } });
}

/** Exact GELU, x * 0.5 * (1 + erf(x / sqrt 2)): the pattern ONNX Runtime fuses into its Gelu kernel. */
export function gelu(g: GraphBuilder, x: string): string {
  const erf = g.op('Erf', [g.op('Div', [x, g.floats('sqrt2', [Math.SQRT2], [])])]);
  return g.op('Mul', [g.op('Mul', [x, g.op('Add', [erf, g.floats('one', [1], [])])]), g.floats('half', [0.5], [])]);
}

/**
 * Multi-head self-attention of one pre-norm block on z [n, len, dim] (already normalised). The
 * packed in_proj [dim, 3 dim] is split into q, k and v projections, and 1/sqrt(d) is folded into
 * q's, so no [n, len, 3, heads, d] tensor is transposed and gathered at run time; k is laid out
 * transposed ([n, h, d, len]) directly.
 */
function attention(g: GraphBuilder, z: string, w: Weights, prefix: string, heads: number, dim: number): string {
  const d = dim / heads;
  const W = weight(w, `${prefix}.self_attn.in_proj.weight`); // [dim, 3 dim]
  const B = weight(w, `${prefix}.self_attn.in_proj.bias`);
  const project = (part: number, scale: number, perm: number[]) => {
    const wp = new Float32Array(dim * dim);
    for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) wp[i * dim + j] = W.values[i * 3 * dim + part * dim + j] * scale;
    const bp = Float32Array.from(B.values.subarray(part * dim, (part + 1) * dim), (v) => v * scale);
    const y = g.op('Add', [g.op('MatMul', [z, g.tensor(`${prefix}.in_proj.${part}.weight`, wp, [dim, dim])]), g.tensor(`${prefix}.in_proj.${part}.bias`, bp, [dim])]);
    return g.op('Transpose', [g.op('Reshape', [y, g.ints('heads_shape', [0, 0, heads, d])])], { perm });
  };
  const q = project(0, 1 / Math.sqrt(d), [0, 2, 1, 3]); // [n, h, len, d]
  const kT = project(1, 1, [0, 2, 3, 1]); // [n, h, d, len]
  const v = project(2, 1, [0, 2, 1, 3]);
  const mixed = g.op('MatMul', [g.op('Softmax', [g.op('MatMul', [q, kT])], { axis: -1 }), v]); // [n, h, len, d]
  const merged = g.op('Reshape', [g.op('Transpose', [mixed], { perm: [0, 2, 1, 3] }), g.ints('merge_shape', [0, 0, dim])]);
  return linear(g, merged, w, `${prefix}.self_attn.out_proj`);
}

/** One pre-norm transformer block, as runEncoderBlock. */
export function encoderBlock(g: GraphBuilder, z: string, w: Weights, prefix: string, heads: number, dim: number): string {
  const y = g.op('Add', [z, attention(g, layerNorm(g, z, w, `${prefix}.norm1`), w, prefix, heads, dim)]);
  const h = gelu(g, linear(g, layerNorm(g, y, w, `${prefix}.norm2`), w, `${prefix}.linear1`));
  return g.op('Add', [y, linear(g, h, w, `${prefix}.linear2`)]);
}

/** [n, leads, tokens * patch] -> [n, tokens, leads * patch], lead-major within a patch (vit.patchify). */
export function patchify(g: GraphBuilder, x: string, leads: number, tokens: number, patch: number): string {
  const r = g.op('Reshape', [x, g.ints('patch_shape', [0, leads, tokens, patch])]);
  return g.op('Reshape', [g.op('Transpose', [r], { perm: [0, 2, 1, 3] }), g.ints('token_shape', [0, tokens, leads * patch])]);
}

/** The inverse of patchify. */
export function unpatchify(g: GraphBuilder, p: string, leads: number, tokens: number, patch: number, outName?: string): string {
  const r = g.op('Reshape', [p, g.ints('unpatch_shape', [0, tokens, leads, patch])]);
  return g.op('Reshape', [g.op('Transpose', [r], { perm: [0, 2, 1, 3] }), g.ints('record_shape', [0, leads, tokens * patch])], {}, outName);
}

/** A learned [1, 1, dim] token repeated for every record of the batch of `like` ([n, ...]). */
export function batchToken(g: GraphBuilder, token: string, like: string, dim: number): string {
  const n = g.op('Shape', [like], { start: 0, end: 1 });
  return g.op('Expand', [token, g.op('Concat', [n, g.ints('token_dims', [1, dim])], { axis: 0 })]);
}
