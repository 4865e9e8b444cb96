// Height-1 convolutions (every convolution of the ResNets: tf.conv2d with a [1, k, C, Co] filter)
// and their gradients on the WASM backend as matrix products in ONNX Runtime's MLAS, which uses
// AVX-512 and all cores where the WASM build has 128-bit SIMD on one core: forward, filter and
// input gradient each become one GEMM over an im2col matrix (conv-gemm-graph.ts). TensorFlow.js
// keeps the model, autodiff and every other op; only these kernels change. Anything else (2-D
// kernels, groups, no onnxruntime-node) goes to the XNNPACK kernels as before. Each shape takes
// the route measured cheaper (kernel-router.ts) unless one is forced (gemm-route.ts).
import {
  backend_util,
  Conv2D,
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  type Conv2DAttrs,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterWasm, conv2DBackpropInputWasm } from './conv-backprop.js';
import { convGemmGraph, convGemmKey, type Conv1dGeometry, type ConvGemmKind } from './conv-gemm-graph.js';
import { gemmEnabled, kernelRouteMode } from './gemm-route.js';
import { runMeasured } from './kernel-router.js';
import { nativeOrt } from './ort-native.js';
import type { BackendWasm } from './wasm-call.js';

type Shape4 = [number, number, number, number];
type Attrs = Conv2DAttrs | Conv2DBackpropFilterAttrs | Conv2DBackpropInputAttrs;

/** The 1-D geometry of a convolution, or null when it is not a height-1 NHWC convolution we route. */
function geometry(xShape: Shape4, filterShape: Shape4, attrs: Attrs, dilations: number | [number, number]): Conv1dGeometry | null {
  if (backend_util.convertConv2DDataFormat(attrs.dataFormat) !== 'channelsLast') return null;
  const info = backend_util.computeConv2DInfo(xShape, filterShape, attrs.strides, dilations, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
  if (info.inHeight !== 1 || info.filterHeight !== 1 || info.outHeight !== 1 || info.padInfo.top !== 0 || info.padInfo.bottom !== 0) return null;
  return {
    batch: info.batchSize,
    inLength: info.inWidth,
    inChannels: info.inChannels,
    outChannels: info.outChannels,
    outLength: info.outWidth,
    kernel: info.filterWidth,
    stride: info.strideWidth,
    dilation: info.dilationWidth,
    padLeft: info.padInfo.left,
  };
}

/** Runs one graph; the output tensor is made first, since allocating may move the heap under older views. */
function run(backend: BackendWasm, kind: ConvGemmKind, g: Conv1dGeometry, inputs: [string, TensorInfo, number[]][], outShape: number[], out: [string, number[]]): TensorInfo {
  const ort = nativeOrt();
  if (!ort) throw new Error('ONNX Runtime is not available');
  const result = backend.makeOutput(outShape, 'float32');
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
  const feeds = Object.fromEntries(inputs.map(([name, t, dims]) => [name, { data: view(t), dims }]));
  ort.run(convGemmKey(kind, g), () => convGemmGraph(kind, g), feeds, { [out[0]]: { data: view(result), dims: out[1] } });
  return result;
}

const routable = (...ts: TensorInfo[]) => gemmEnabled() && ts.every((t) => t.dtype === 'float32') && nativeOrt() !== null;

/** GEMM when forced, else the route measured cheaper for this shape. */
function choose(backend: BackendWasm, kind: ConvGemmKind, g: Conv1dGeometry, gemm: () => TensorInfo, xnnpack: () => TensorInfo): TensorInfo {
  if (kernelRouteMode() === 'gemm') return gemm();
  const key = convGemmKey(kind, g);
  return runMeasured({ backend, key, gemm, xnnpack, dropGemm: () => nativeOrt()?.drop(key) });
}

export function makeConv2DGemm(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as unknown as Conv2DAttrs;
    const g = routable(x, filter) ? geometry(x.shape as Shape4, filter.shape as Shape4, attrs, attrs.dilations) : null;
    if (!g) return fallback(args);
    const { batch: n, inLength: l, inChannels: c, outChannels: co, outLength: lout, kernel: k } = g;
    const backend = args.backend as BackendWasm;
    const gemm = () => run(backend, 'forward', g, [['x', x, [n, l, c]], ['w', filter, [k * c, co]]], [n, 1, lout, co], ['y', [n * lout, co]]);
    return choose(backend, 'forward', g, gemm, () => fallback(args) as TensorInfo);
  };
}

function conv2DBackpropFilterGemm(args: Parameters<KernelFunc>[0]): TensorInfo | TensorInfo[] {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs;
  const g = routable(x, dy) ? geometry(x.shape as Shape4, attrs.filterShape as Shape4, attrs, 1) : null;
  const backend = args.backend as BackendWasm;
  const xnnpack = () => conv2DBackpropFilterWasm({ inputs: { x, dy }, backend, attrs });
  if (!g) return xnnpack();
  const { batch: n, inLength: l, inChannels: c, outChannels: co, outLength: lout, kernel: k } = g;
  const gemm = () => run(backend, 'filter', g, [['x', x, [n, l, c]], ['dy', dy, [n * lout, co]]], [1, k, c, co], ['dw', [k * c, co]]);
  return choose(backend, 'filter', g, gemm, xnnpack);
}

function conv2DBackpropInputGemm(args: Parameters<KernelFunc>[0]): TensorInfo | TensorInfo[] {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const attrs = args.attrs as unknown as Conv2DBackpropInputAttrs;
  const g = routable(dy, filter) ? geometry(attrs.inputShape as Shape4, filter.shape as Shape4, attrs, 1) : null;
  const backend = args.backend as BackendWasm;
  const xnnpack = () => conv2DBackpropInputWasm({ inputs: { dy, filter }, backend, attrs });
  if (!g) return xnnpack();
  const { batch: n, inLength: l, inChannels: c, outChannels: co, outLength: lout, kernel: k } = g;
  const gemm = () => run(backend, 'input', g, [['dy', dy, [n, lout, co]], ['w', filter, [k, c, co]]], [n, 1, l, c], ['dx', [n * l, c]]);
  return choose(backend, 'input', g, gemm, xnnpack);
}

/** Our kernels for the WASM backend; `stockConv2D` is tfjs-backend-wasm's own (kept for what we do not route). */
export function convGemmConfigs(stockConv2D: KernelConfig): KernelConfig[] {
  return [
    { kernelName: Conv2D, backendName: 'wasm', setupFunc: stockConv2D.setupFunc, kernelFunc: makeConv2DGemm(stockConv2D.kernelFunc) },
    { kernelName: Conv2DBackpropFilter, backendName: 'wasm', kernelFunc: conv2DBackpropFilterGemm },
    { kernelName: Conv2DBackpropInput, backendName: 'wasm', kernelFunc: conv2DBackpropInputGemm },
  ];
}
