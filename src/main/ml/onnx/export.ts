// Which ONNX graphs a bundle carries, built from its own weights (docs/inference.md):
//   classifier / probe  model.onnx    x -> logits, embedding
//   pre-training        encoder.onnx  x -> embedding (the backbone's pooled features)
//   MAE, in addition    mae.onnx      x, visible -> reconstruction
// x is [batch, leads, samples] float32, already normalised as the bundle's preprocessing says;
// the batch dimension is symbolic.
import type { BundleJson } from '../bundle-format.js';
import { maeDecoderShape, type MaeDecoderShape } from '../ssl/mae.js';
import { GraphBuilder, ONNX_OPSET } from './graph.js';
import type { Weights } from './layers.js';
import { resnetGraph } from './resnet.js';
import { maeGraph, vitGeometry, vitGraph } from './vit.js';

export const ONNX_ROLES = ['classifier', 'encoder', 'mae'] as const;
export type OnnxRole = (typeof ONNX_ROLES)[number];

export const ONNX_FILES: Readonly<Record<OnnxRole, string>> = { classifier: 'model.onnx', encoder: 'encoder.onnx', mae: 'mae.onnx' };

export interface OnnxGraph {
  readonly role: OnnxRole;
  readonly file: string;
  readonly bytes: Uint8Array;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

/** What the exporter needs of bundle.json. */
export type ExportMeta = Pick<BundleJson, 'task' | 'architecture' | 'method'>;

/** The tensors under `prefix`, with it removed. */
function under(weights: Weights, prefix: string): Weights {
  if (!prefix) return weights;
  const out = new Map<string, Weights extends ReadonlyMap<string, infer V> ? V : never>();
  for (const [k, v] of weights) if (k.startsWith(prefix)) out.set(k.slice(prefix.length), v);
  return out;
}

function backbone(meta: ExportMeta, w: Weights, role: 'classifier' | 'encoder'): OnnxGraph {
  const { name, options } = meta.architecture;
  const g = new GraphBuilder(`${name}_${role}`);
  const x = g.input('x', 'float32', ['batch', options.leads, options.samples]);
  const withHead = role === 'classifier';
  const built = name === 'vit_1d' ? vitGraph(g, x, w, vitGeometry(options), withHead) : resnetGraph(g, x, w, name, options);
  const embeddingSize = name === 'vit_1d' ? vitGeometry(options).dim : w.get(headName(w))?.shape[0];
  g.output(built.embedding, 'embedding', 'float32', ['batch', embeddingSize ?? 'features']);
  const outputs = ['embedding'];
  if (withHead && built.logits) {
    g.output(built.logits, 'logits', 'float32', ['batch', options.classes]);
    outputs.unshift('logits');
  }
  return { role, file: ONNX_FILES[role], bytes: g.encode(`OpenECG ${name} ${role}, opset ${ONNX_OPSET}; input normalised ${options.leads} x ${options.samples}`), inputs: ['x'], outputs };
}

/** The ResNet head's weight (a Linear [in, classes] whose name is the last index + 2). */
function headName(w: Weights): string {
  let best = -1;
  for (const k of w.keys()) {
    const m = /^(\d+)\.weight$/.exec(k);
    if (m && w.get(k)!.shape.length === 2) best = Math.max(best, Number(m[1]));
  }
  return `${best}.weight`;
}

function maeDecoder(meta: ExportMeta): MaeDecoderShape {
  const resolved = meta.method?.decoder as Partial<MaeDecoderShape> | undefined;
  if (resolved && [resolved.dim, resolved.depth, resolved.heads, resolved.mlp].every((v) => typeof v === 'number')) return resolved as MaeDecoderShape;
  const m = meta.method ?? {};
  const num = (k: string) => (typeof m[k] === 'number' ? (m[k] as number) : undefined);
  return maeDecoderShape({ modelOptions: meta.architecture.options, decoderDim: num('decoderDim'), decoderDepth: num('decoderDepth'), decoderHeads: num('decoderHeads') });
}

function mae(meta: ExportMeta, weights: Weights): OnnxGraph {
  const { options } = meta.architecture;
  const g = new GraphBuilder('vit_1d_mae');
  const x = g.input('x', 'float32', ['batch', options.leads, options.samples]);
  const visible = g.input('visible', 'int64', ['batch', 'keep']);
  const out = maeGraph(g, x, visible, under(weights, 'encoder.'), under(weights, 'decoder.'), vitGeometry(options), maeDecoder(meta), 'reconstruction');
  g.output(out, 'reconstruction', 'float32', ['batch', options.leads, options.samples]);
  return { role: 'mae', file: ONNX_FILES.mae, bytes: g.encode('OpenECG MAE: x normalised, visible = each record\'s visible patch indices (time-sorted)'), inputs: ['x', 'visible'], outputs: ['reconstruction'] };
}

/** Every graph a bundle of this task carries. */
export function exportOnnx(meta: ExportMeta, weights: Weights): OnnxGraph[] {
  if (meta.task === 'classifier' || meta.task === 'probe') return [backbone(meta, weights, 'classifier')];
  const graphs = [backbone(meta, under(weights, 'encoder.'), 'encoder')];
  if (meta.task === 'pretrain-mae') graphs.push(mae(meta, weights));
  return graphs;
}
