// vit_1d and the MAE encoder+decoder as ONNX graphs, op for op as src/main/ml/models/vit1d.ts and
// src/main/ml/ssl/mae.ts compute them (including MAE's one-hot token selection, so the same
// visible-patch indices give the same reconstruction).
import { vitShape, type ModelOptions } from '../models/index.js';
import type { MaeDecoderShape } from '../ssl/mae.js';
import type { GraphBuilder } from './graph.js';
import { batchToken, encoderBlock, gemm, layerNorm, linear, patchify, unpatchify, weight, type Weights } from './layers.js';

export interface VitGeometry {
  readonly leads: number;
  readonly patch: number;
  readonly tokens: number;
  readonly dim: number;
  readonly depth: number;
  readonly heads: number;
}

export function vitGeometry(options: Required<Pick<ModelOptions, 'leads' | 'samples'>> & ModelOptions): VitGeometry {
  const s = vitShape(options);
  return { leads: options.leads, patch: s.patch, tokens: options.samples / s.patch, dim: s.dim, depth: s.depth, heads: s.heads };
}

/** Class token embedding and logits of the whole record (vit1d.ts apply). */
export function vitGraph(g: GraphBuilder, x: string, w: Weights, v: VitGeometry, withHead: boolean): { embedding: string; logits?: string } {
  const cls = weight(w, 'cls');
  const pos = weight(w, 'pos');
  const tokens = linear(g, patchify(g, x, v.leads, v.tokens, v.patch), w, 'embed');
  let z = g.op('Concat', [batchToken(g, g.tensor('cls', cls.values, cls.shape), x, v.dim), tokens], { axis: 1 });
  z = g.op('Add', [z, g.tensor('pos', pos.values, pos.shape)]);
  for (let i = 0; i < v.depth; i++) z = encoderBlock(g, z, w, `blocks.layers.${i}`, v.heads, v.dim);
  const first = g.op('Gather', [layerNorm(g, z, w, 'norm'), g.ints('first', [0], [])], { axis: 1 });
  return { embedding: first, logits: withHead ? gemm(g, first, w, 'head') : undefined };
}

/**
 * MAE reconstruction (mae.ts forward): `visible` [n, keep] int64 are each record's visible patch
 * indices (randomPatchMask's order[0..keep), time-sorted); every other patch is hidden. Returns
 * the predicted record [n, leads, samples] in normalised units.
 */
export function maeGraph(g: GraphBuilder, x: string, visible: string, enc: Weights, dec: Weights, v: VitGeometry, d: MaeDecoderShape, outName: string): string {
  const cls = weight(enc, 'cls');
  const pos = weight(enc, 'pos');
  // The position table split as mae.ts slices it: row 0 for the class token, rows 1.. for patches.
  const posCls = pos.values.subarray(0, v.dim);
  const posTokens = pos.values.subarray(v.dim);
  const patches = patchify(g, x, v.leads, v.tokens, v.patch);
  const tokens = g.op('Add', [linear(g, patches, enc, 'embed'), g.tensor('pos_tokens', posTokens, [1, v.tokens, v.dim])]);
  // One-hot selection [n, keep, tokens], exactly as mae.ts builds it.
  const sel = g.op('OneHot', [visible, g.ints('depth', [v.tokens], []), g.floats('onehot_values', [0, 1])], { axis: -1 });
  const kept = g.op('MatMul', [sel, tokens]);
  const clsPos = Float32Array.from(cls.values, (c, i) => c + posCls[i]);
  let z = g.op('Concat', [batchToken(g, g.tensor('cls_pos', clsPos, [1, 1, v.dim]), x, v.dim), kept], { axis: 1 });
  for (let i = 0; i < v.depth; i++) z = encoderBlock(g, z, enc, `blocks.layers.${i}`, v.heads, v.dim);
  z = layerNorm(g, z, enc, 'norm');

  const e = linear(g, z, dec, 'embed'); // [n, 1 + keep, decoder dim]
  const big = Number.MAX_SAFE_INTEGER;
  const eVisible = g.op('Slice', [e, g.ints('from1', [1]), g.ints('to_end', [big]), g.ints('axis1', [1])]);
  const eCls = g.op('Slice', [e, g.ints('from0', [0]), g.ints('to1', [1]), g.ints('axis1b', [1])]);
  const placed = g.op('MatMul', [g.op('Transpose', [sel], { perm: [0, 2, 1] }), eVisible]); // [n, tokens, decoder dim]
  const hidden = g.op('Sub', [g.floats('one_hidden', [1], []), g.op('ReduceSum', [sel, g.ints('axes1', [1])], { keepdims: 0 })]); // [n, tokens]
  const maskToken = weight(dec, 'mask_token');
  const filled = g.op('Add', [placed, g.op('Mul', [g.op('Unsqueeze', [hidden, g.ints('axes2', [2])]), g.tensor('mask_token', maskToken.values, maskToken.shape)])]);
  const dpos = weight(dec, 'pos');
  let y = g.op('Add', [g.op('Concat', [eCls, filled], { axis: 1 }), g.tensor('decoder_pos', dpos.values, dpos.shape)]);
  for (let i = 0; i < d.depth; i++) y = encoderBlock(g, y, dec, `blocks.layers.${i}`, d.heads, d.dim);
  const out = linear(g, layerNorm(g, y, dec, 'norm'), dec, 'pred'); // [n, 1 + tokens, leads * patch]
  const pred = g.op('Slice', [out, g.ints('from1b', [1]), g.ints('to_end_b', [big]), g.ints('axis1c', [1])]);
  return unpatchify(g, pred, v.leads, v.tokens, v.patch, outName);
}
