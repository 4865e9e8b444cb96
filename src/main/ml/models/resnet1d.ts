// ResNet-18/50 for 1-D signals, layer for layer as the PyTorch peer (shared/bench/torch_peer.py):
// stem Conv(k15,s2,p7)+BN+ReLU+MaxPool(3,2,1); basic [2,2,2,2] k7 or bottleneck [3,4,6,3]
// (1x1 -> k3 with the stride -> 1x1, expansion 4); global average pool; Linear to the classes.
import * as tf from '@tensorflow/tfjs-core';
import { batchNorm, batchNormParams, conv1d, conv1dParams, linear, linearParams, maxPool1d, type BatchNorm, type Conv1d, type ForwardContext } from './layers.js';
import { ParamStore } from './params.js';
import type { EcgModel, ForwardOptions, ModelName, ModelOptions } from './types.js';

interface ConvBn {
  conv: Conv1d;
  bn: BatchNorm;
}

interface Block {
  convs: ConvBn[]; // ReLU after each but the last
  proj?: ConvBn;
}

function convBn(store: ParamStore, name: string, bnName: string, cin: number, cout: number, k: number, s: number, p: number): ConvBn {
  return { conv: conv1dParams(store, `${name}`, cin, cout, k, s, p), bn: batchNormParams(store, bnName, cout) };
}

function basicBlock(store: ParamStore, name: string, cin: number, width: number, stride: number): { block: Block; cout: number } {
  const convs = [
    convBn(store, `${name}.c1`, `${name}.b1`, cin, width, 7, stride, 3),
    convBn(store, `${name}.c2`, `${name}.b2`, width, width, 7, 1, 3),
  ];
  const proj = stride !== 1 || cin !== width ? convBn(store, `${name}.proj.0`, `${name}.proj.1`, cin, width, 1, stride, 0) : undefined;
  return { block: { convs, proj }, cout: width };
}

function bottleneckBlock(store: ParamStore, name: string, cin: number, width: number, stride: number): { block: Block; cout: number } {
  const cout = width * 4;
  const convs = [
    convBn(store, `${name}.c1`, `${name}.b1`, cin, width, 1, 1, 0),
    convBn(store, `${name}.c2`, `${name}.b2`, width, width, 3, stride, 1),
    convBn(store, `${name}.c3`, `${name}.b3`, width, cout, 1, 1, 0),
  ];
  const proj = stride !== 1 || cin !== cout ? convBn(store, `${name}.proj.0`, `${name}.proj.1`, cin, cout, 1, stride, 0) : undefined;
  return { block: { convs, proj }, cout };
}

function runConvBn(x: tf.Tensor3D, c: ConvBn, ctx: ForwardContext): tf.Tensor3D {
  return batchNorm(conv1d(x, c.conv), c.bn, ctx);
}

function runBlock(x: tf.Tensor3D, b: Block, ctx: ForwardContext): tf.Tensor3D {
  let y = x;
  b.convs.forEach((c, i) => {
    y = runConvBn(y, c, ctx);
    if (i < b.convs.length - 1) y = tf.relu(y);
  });
  const shortcut = b.proj ? runConvBn(x, b.proj, ctx) : x;
  return tf.relu(tf.add(y, shortcut)) as tf.Tensor3D;
}

const SPECS = {
  resnet18_1d: { layers: [2, 2, 2, 2], make: basicBlock },
  resnet50_1d: { layers: [3, 4, 6, 3], make: bottleneckBlock },
} as const;

export function createResNet1d(name: 'resnet18_1d' | 'resnet50_1d', options: ModelOptions = {}): EcgModel {
  const leads = options.leads ?? 12;
  const samples = options.samples ?? 1000;
  const classes = options.classes ?? 24;
  const widthMul = options.width ?? 1;
  const depthMul = options.depth ?? 1;
  const store = new ParamStore(options.seed ?? 1);
  const spec = SPECS[name];
  const widths = [64, 128, 256, 512].map((w) => Math.max(1, Math.round(w * widthMul)));
  const stemWidth = widths[0];
  // Parameter names follow torch_peer.py's nn.Sequential indices (0 stem conv, 1 stem BN, 4.. blocks).
  const stem = convBn(store, '0', '1', leads, stemWidth, 15, 2, 7);
  const blocks: Block[] = [];
  let cin = stemWidth;
  let index = 4;
  spec.layers.forEach((n, i) => {
    const count = Math.max(1, Math.round(n * depthMul));
    for (let j = 0; j < count; j++) {
      const made = spec.make(store, String(index++), cin, widths[i], i > 0 && j === 0 ? 2 : 1);
      blocks.push(made.block);
      cin = made.cout;
    }
  });
  const headName = String(index + 2);
  const head = linearParams(store, headName, cin, classes);

  return {
    name: name as ModelName,
    leads,
    samples,
    classes,
    embeddingSize: cin,
    headNames: [`${headName}.weight`, `${headName}.bias`],
    params: store.params,
    buffers: store.buffers,
    apply(x: tf.Tensor3D, opts: ForwardOptions): tf.Tensor2D {
      const ctx: ForwardContext = { training: opts.training, updates: opts.updates };
      return tf.tidy(() => {
        let y = tf.transpose(x, [0, 2, 1]) as tf.Tensor3D; // NCW -> NWC
        y = maxPool1d(tf.relu(runConvBn(y, stem, ctx)), 3, 2, 1);
        for (const b of blocks) y = runBlock(y, b, ctx);
        const pooled = tf.mean(y, 1) as tf.Tensor2D;
        return opts.output === 'embedding' ? pooled : (linear(pooled, head) as tf.Tensor2D);
      });
    },
    dispose: () => store.dispose(),
  };
}
