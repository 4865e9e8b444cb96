// resnet18_1d / resnet50_1d as an ONNX graph, block for block as src/main/ml/models/resnet1d.ts
// builds them (the same names, stage sizes and strides), with every BatchNorm folded into the
// convolution before it. Input x [batch, leads, samples] (normalised); outputs the pooled
// embedding and the head's logits.
import type { ModelOptions } from '../models/index.js';
import type { GraphBuilder } from './graph.js';
import { convBn, gemm, weight, type Weights } from './layers.js';

const LAYERS = { resnet18_1d: [2, 2, 2, 2], resnet50_1d: [3, 4, 6, 3] } as const;

interface BlockPlan {
  readonly name: string;
  readonly stride: number;
}

/** The blocks resnet1d.ts creates for these options: names from index 4, stride 2 opening stages 2-4. */
export function resnetBlocks(name: 'resnet18_1d' | 'resnet50_1d', options: ModelOptions): { blocks: BlockPlan[]; head: string } {
  const blocks: BlockPlan[] = [];
  let index = 4;
  LAYERS[name].forEach((n, i) => {
    const count = Math.max(1, Math.round(n * (options.depth ?? 1)));
    for (let j = 0; j < count; j++) blocks.push({ name: String(index++), stride: i > 0 && j === 0 ? 2 : 1 });
  });
  return { blocks, head: String(index + 2) };
}

/** Builds the network on `x`; returns the embedding and logits values. */
export function resnetGraph(g: GraphBuilder, x: string, w: Weights, name: 'resnet18_1d' | 'resnet50_1d', options: ModelOptions): { embedding: string; logits: string } {
  const { blocks, head } = resnetBlocks(name, options);
  const convs = name === 'resnet18_1d' ? 2 : 3;
  // Where the block's stride sits: the first k7 conv (basic) or the middle k3 conv (bottleneck).
  const strided = name === 'resnet18_1d' ? 1 : 2;
  // [n, leads, samples] -> [n, leads, 1, samples]: the network runs as height-1 2-D ops (see convBn).
  const x4 = g.op('Unsqueeze', [x, g.ints('height_axis', [2])]);
  let y = g.op('Relu', [convBn(g, x4, w, '0', '1', 2)]);
  y = g.op('MaxPool', [y], { kernel_shape: [1, 3], strides: [1, 2], pads: [0, 1, 0, 1] });
  for (const b of blocks) {
    let z = y;
    for (let c = 1; c <= convs; c++) {
      z = convBn(g, z, w, `${b.name}.c${c}`, `${b.name}.b${c}`, c === strided ? b.stride : 1);
      if (c < convs) z = g.op('Relu', [z]);
    }
    const shortcut = w.has(`${b.name}.proj.0.weight`) ? convBn(g, y, w, `${b.name}.proj.0`, `${b.name}.proj.1`, b.stride) : y;
    y = g.op('Relu', [g.op('Add', [z, shortcut])]);
  }
  const pooled = g.op('Flatten', [g.op('GlobalAveragePool', [y])], { axis: 1 });
  weight(w, `${head}.weight`);
  return { embedding: pooled, logits: gemm(g, pooled, w, head) };
}
