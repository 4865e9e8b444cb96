// ONNX graphs that compute a 1-D convolution (TensorFlow.js's height-1 Conv2D, NHWC, filter HWIO)
// and its two gradients as one matrix product each, over an im2col matrix built in the graph:
//
//   cols[n*Lout + o, j*C + c] = xpad[n, o*stride + j*dilation, c]      (Pad, k strided Slices, Concat)
//   forward          y  = cols(x) . W                 W = filter as [k*C, Co]
//   filter gradient  dW = cols(x)^T . dy              [k*C, Co], the filter's own layout
//   input gradient   dx = cols(dy, zeros between samples) . W'    W'[j*Co + o, c] = W[k-1-j][c, o]
//
// Shapes are fixed per graph (sessions are cached per shape), so ONNX Runtime plans memory once.
import { GraphBuilder } from '../onnx/graph.js';

/** One height-1 convolution, in the forward direction. */
export interface Conv1dGeometry {
  readonly batch: number;
  readonly inLength: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly outLength: number;
  readonly kernel: number;
  readonly stride: number;
  readonly dilation: number;
  readonly padLeft: number;
}

export type ConvGemmKind = 'forward' | 'filter' | 'input';

export function convGemmKey(kind: ConvGemmKind, g: Conv1dGeometry): string {
  return `conv-gemm:${kind}:${g.batch},${g.inLength},${g.inChannels},${g.outChannels},${g.outLength},${g.kernel},${g.stride},${g.dilation},${g.padLeft}`;
}

interface Im2col {
  readonly batch: number;
  readonly length: number;
  readonly channels: number;
  readonly kernel: number;
  readonly stride: number;
  readonly dilation: number;
  /** Zeros before the signal (negative: samples dropped). */
  readonly padLeft: number;
  /** Output rows per batch item. */
  readonly outLength: number;
  /** Zeros inserted after every sample but the last, less one (the input gradient's stride). */
  readonly spread: number;
}

/** cols as [batch * outLength, kernel * channels]. */
function im2col(g: GraphBuilder, x: string, p: Im2col): string {
  const { batch: n, channels: c, kernel: k, stride: s, dilation: d, outLength: lout } = p;
  let cur = x;
  let len = p.length;
  if (p.spread > 1) {
    // [n, L, 1, c] padded to [n, L, spread, c]: each sample followed by spread - 1 zeros.
    cur = g.op('Reshape', [cur, g.ints('shape', [n, len, 1, c])]);
    cur = g.op('Pad', [cur, g.ints('pads', [0, 0, 0, 0, 0, 0, p.spread - 1, 0])]);
    len *= p.spread;
    cur = g.op('Reshape', [cur, g.ints('shape', [n, len, c])]);
  }
  // Samples the taps read: [start, start + span) of the zero-extended signal.
  const span = (lout - 1) * s + (k - 1) * d + 1;
  const start = -p.padLeft;
  const before = Math.max(0, -start);
  const after = Math.max(0, start + span - len);
  if (before > 0 || after > 0) {
    cur = g.op('Pad', [cur, g.ints('pads', [0, before, 0, 0, after, 0])]);
  }
  const origin = start + before;
  if (k === 1 && s === 1 && origin === 0 && span === len + before + after) return g.op('Reshape', [cur, g.ints('shape', [n * lout, c])]);
  const taps: string[] = [];
  for (let j = 0; j < k; j++) {
    const from = origin + j * d;
    taps.push(g.op('Slice', [cur, g.ints('starts', [from]), g.ints('ends', [from + (lout - 1) * s + 1]), g.ints('axes', [1]), g.ints('steps', [s])]));
  }
  const joined = k === 1 ? taps[0] : g.op('Concat', taps, { axis: 2 });
  return g.op('Reshape', [joined, g.ints('shape', [n * lout, k * c])]);
}

export function convGemmGraph(kind: ConvGemmKind, p: Conv1dGeometry): Uint8Array {
  const { batch: n, inLength: l, inChannels: c, outChannels: co, outLength: lout, kernel: k, stride: s, dilation: d, padLeft } = p;
  const g = new GraphBuilder(`conv1d_${kind}`);
  if (kind === 'forward' || kind === 'filter') {
    const x = g.input('x', 'float32', [n, l, c]);
    const cols = im2col(g, x, { batch: n, length: l, channels: c, kernel: k, stride: s, dilation: d, padLeft, outLength: lout, spread: 1 });
    if (kind === 'forward') {
      const w = g.input('w', 'float32', [k * c, co]);
      g.output(g.op('MatMul', [cols, w]), 'y', 'float32', [n * lout, co]);
    } else {
      const dy = g.input('dy', 'float32', [n * lout, co]);
      g.output(g.op('Gemm', [cols, dy], { transA: 1 }), 'dw', 'float32', [k * c, co]);
    }
    return g.encode(`OpenECG conv1d ${kind} as GEMM`);
  }
  // Input gradient: a stride-1 convolution of dy spread by the stride, with the taps reversed and
  // the channel roles swapped; output i reads spread dy from i + padLeft - (k-1)*d on.
  const dy = g.input('dy', 'float32', [n, lout, co]);
  const w = g.input('w', 'float32', [k, c, co]);
  const reversed = g.op('Gather', [w, g.ints('taps', Array.from({ length: k }, (_, j) => k - 1 - j))], { axis: 0 });
  const wt = g.op('Reshape', [g.op('Transpose', [reversed], { perm: [0, 2, 1] }), g.ints('shape', [k * co, c])]);
  const cols = im2col(g, dy, { batch: n, length: lout, channels: co, kernel: k, stride: 1, dilation: d, padLeft: (k - 1) * d - padLeft, outLength: l, spread: s });
  g.output(g.op('MatMul', [cols, wt]), 'dx', 'float32', [n * l, c]);
  return g.encode('OpenECG conv1d input gradient as GEMM');
}
